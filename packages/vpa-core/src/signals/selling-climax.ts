import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * SELLING_CLIMAX (bull): panic selling on ultra volume and a wide bar that breaks support but
 * closes in its upper half. Gate: trend `down`; `vr >= 2.0`; `sr >= 1.5`; `low < 20-bar low`; `cl >= 0.5`.
 * Score: sv vr 2.0 → 4.0; ss sr 1.5 → 3.0; sc cl 0.5 → 1.0; agreeing trend `down`.
 *
 * @example
 * // trend down, vr 3, sr 2.5, low 96 under support 99, cl 0.6 → matches, score 46 (see the test)
 */
export const sellingClimaxSignal = defineSignal({
  type: "SELLING_CLIMAX",
  bias: "bull",
  agreeingTrend: "down",
  gate: (f) => f.trend === "down" && f.vr >= 2.0 && f.sr >= 1.5 && f.low < f.support && f.cl >= 0.5,
  gateRatios: { vr: true, sr: true },
  prefilter: { kind: "volume-ratio-at-least", value: 2.0 },
  volumeScore: (f) => linearScore(f.vr, 2.0, 4.0),
  spreadScore: (f) => linearScore(f.sr, 1.5, 3.0),
  closeScore: (f) => linearScore(f.cl, 0.5, 1.0),
  variant: null,
  label: { en: "Selling climax", vi: "Cao trào bán" },
  explanation: {
    en: "Huge volume on a sharp fall that closes off the low: selling may be exhausted",
    vi: "Khối lượng cực lớn khi giá giảm mạnh rồi đóng cửa khỏi đáy: lực bán có thể đã cạn",
  },
});
