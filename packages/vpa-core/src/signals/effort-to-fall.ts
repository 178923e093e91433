import { isDownBar } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * EFFORT_TO_FALL (bear), the mirror of EFFORT_TO_RISE: `high < high[t-1]`; `low < low[t-1]`;
 * down bar; `cl <= 0.3`; `sr >= 1.0`; `volume > volume[t-1]`; `vr >= 1.2`.
 * Score: sv vr 1.2 → 3.0; ss sr 1.0 → 2.5; sc cl 0.3 → 0.0; agreeing trend `down`.
 *
 * @example
 * // previous bar 99–101 close 100; bar 98–100.5 close 98.5 (cl 0.2), sr 1.25, vr 1.5 → EFFORT_TO_FALL
 */
export const effortToFallSignal = defineSignal({
  type: "EFFORT_TO_FALL",
  bias: "bear",
  agreeingTrend: "down",
  gate: (f) =>
    f.high < f.previousHigh &&
    f.low < f.previousLow &&
    isDownBar(f) &&
    f.cl <= 0.3 &&
    f.sr >= 1.0 &&
    f.volume > f.previousVolume &&
    f.vr >= 1.2,
  gateRatios: { vr: true, sr: true },
  prefilter: { kind: "volume-ratio-at-least", value: 1.2 },
  volumeScore: (f) => linearScore(f.vr, 1.2, 3.0),
  spreadScore: (f) => linearScore(f.sr, 1.0, 2.5),
  closeScore: (f) => linearScore(f.cl, 0.3, 0.0),
  variant: null,
  label: { en: "Effort to fall", vi: "Nỗ lực giảm" },
  explanation: {
    en: "A wide down bar with a lower high and lower low, closing near the bottom on rising volume: real selling",
    vi: "Nến giảm biên độ rộng, đỉnh và đáy thấp hơn phiên trước, đóng cửa gần đáy với khối lượng tăng: lực bán thật",
  },
});
