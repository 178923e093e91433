import { hasLowerVolumeThanPreviousTwo } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";
import { quietVolumeScore } from "./quiet-volume-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * TEST (bull): after a bullish event, a dip under the previous low on low volume that closes high —
 * supply has dried up. Gate: `low < low[t-1]`; `cl >= 2/3`; `lowVs2`; `sr < 1.0`; a bull signal
 * other than TEST was emitted in bars `t-20 .. t-1`.
 * Score: sv volume / min(previous two) 1.0 → 0.5; ss sr 0.7 → 0.3; sc cl 2/3 → 1; agreeing trend `down`.
 *
 * Causal reading (documented choice): "emitted" means the records this analysis actually emitted
 * in those bars — after the one-signal-per-bias priority — not every gate that matched. Both are
 * causal; this one makes a TEST always point at a record the user has seen.
 *
 * @example
 * // 12 bars after a SPRING: low 99.25 under 99.5, close 100 high 100 (cl 1), sr 0.49, volume 600 after 1000/800 → TEST
 */
export const testSignal = defineSignal({
  type: "TEST",
  bias: "bull",
  agreeingTrend: "down",
  gate: (f) =>
    f.low < f.previousLow &&
    f.cl >= 2 / 3 &&
    hasLowerVolumeThanPreviousTwo(f) &&
    f.sr < 1.0 &&
    f.recentBullSetup,
  gateRatios: { vr: false, sr: true },
  prefilter: { kind: "lower-volume-than-previous-two" },
  volumeScore: quietVolumeScore,
  spreadScore: (f) => linearScore(f.sr, 0.7, 0.3),
  closeScore: (f) => linearScore(f.cl, 2 / 3, 1),
  variant: null,
  label: { en: "Test", vi: "Kiểm tra cung" },
  explanation: {
    en: "After a bullish signal, a dip under the previous low on low volume that closes near the high: supply has dried up",
    vi: "Sau một tín hiệu tăng, giá xuống dưới đáy phiên trước với khối lượng thấp rồi đóng cửa gần đỉnh: nguồn cung đã cạn",
  },
});
