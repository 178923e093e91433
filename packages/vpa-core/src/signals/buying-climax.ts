import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * BUYING_CLIMAX (bear): euphoric buying on ultra volume and a wide bar that breaks resistance but
 * closes off its high. Gate: trend `up`; `vr >= 2.0`; `sr >= 1.5`; `high > 20-bar high`; `cl <= 0.5`.
 * Score: sv vr 2.0 → 4.0; ss sr 1.5 → 3.0; sc cl 0.5 → 0.0; agreeing trend `up`.
 *
 * @example
 * // trend up, vr 3, sr 2.5, high above resistance, cl 0.4 → matches
 */
export const buyingClimaxSignal = defineSignal({
  type: "BUYING_CLIMAX",
  bias: "bear",
  agreeingTrend: "up",
  gate: (f) => f.trend === "up" && f.vr >= 2.0 && f.sr >= 1.5 && f.high > f.resistance && f.cl <= 0.5,
  gateRatios: { vr: true, sr: true },
  prefilter: { kind: "volume-ratio-at-least", value: 2.0 },
  volumeScore: (f) => linearScore(f.vr, 2.0, 4.0),
  spreadScore: (f) => linearScore(f.sr, 1.5, 3.0),
  closeScore: (f) => linearScore(f.cl, 0.5, 0.0),
  variant: null,
  label: { en: "Buying climax", vi: "Cao trào mua" },
  explanation: {
    en: "Huge volume on a sharp rise to a new high that closes off the top: buying may be exhausted",
    vi: "Khối lượng cực lớn khi giá tăng mạnh lên đỉnh mới rồi đóng cửa khỏi đỉnh: lực mua có thể đã cạn",
  },
});
