import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * UPTHRUST (bear): a push over resistance that fails and closes back inside, low in the bar.
 * Gate: `high > 20-bar high`; `close <= 20-bar high`; `cl <= 0.4`; `sr >= 1.0`; trend not `down`.
 * Score: sv vr 1.0 → 3.0; ss sr 1.0 → 2.5; sc cl 0.4 → 0.0; agreeing trend `up`.
 *
 * @example
 * // resistance 101, bar high 102, close 99.5, low 99 (cl 0.17), sr 1.5, trend flat → UPTHRUST
 */
export const upthrustSignal = defineSignal({
  type: "UPTHRUST",
  bias: "bear",
  agreeingTrend: "up",
  gate: (f) =>
    f.high > f.resistance && f.close <= f.resistance && f.cl <= 0.4 && f.sr >= 1.0 && f.trend !== "down",
  gateRatios: { vr: false, sr: true },
  prefilter: { kind: "high-above-resistance" },
  volumeScore: (f) => linearScore(f.vr, 1.0, 3.0),
  spreadScore: (f) => linearScore(f.sr, 1.0, 2.5),
  closeScore: (f) => linearScore(f.cl, 0.4, 0.0),
  variant: null,
  label: { en: "Upthrust", vi: "Vượt đỉnh thất bại" },
  explanation: {
    en: "Price pokes above the 20-bar resistance and closes back below it, near the low: sellers pushed it back",
    vi: "Giá vượt kháng cự 20 phiên rồi đóng cửa quay lại dưới đó, gần đáy nến: bên bán đã đẩy giá xuống",
  },
});
