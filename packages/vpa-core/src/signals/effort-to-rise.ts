import { isUpBar } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * EFFORT_TO_RISE (bull): a higher-high, higher-low up bar closing near its high on rising,
 * above-average volume. Gate: `high > high[t-1]`; `low > low[t-1]`; up bar; `cl >= 0.7`;
 * `sr >= 1.0`; `volume > volume[t-1]`; `vr >= 1.2`.
 * Score: sv vr 1.2 → 3.0; ss sr 1.0 → 2.5; sc cl 0.7 → 1.0; agreeing trend `up`.
 *
 * @example
 * // previous bar 99–101 close 100; bar 99.5–102 close 101.5 (cl 0.8), sr 1.25, vr 1.5 → EFFORT_TO_RISE
 */
export const effortToRiseSignal = defineSignal({
  type: "EFFORT_TO_RISE",
  bias: "bull",
  agreeingTrend: "up",
  gate: (f) =>
    f.high > f.previousHigh &&
    f.low > f.previousLow &&
    isUpBar(f) &&
    f.cl >= 0.7 &&
    f.sr >= 1.0 &&
    f.volume > f.previousVolume &&
    f.vr >= 1.2,
  gateRatios: { vr: true, sr: true },
  prefilter: { kind: "volume-ratio-at-least", value: 1.2 },
  volumeScore: (f) => linearScore(f.vr, 1.2, 3.0),
  spreadScore: (f) => linearScore(f.sr, 1.0, 2.5),
  closeScore: (f) => linearScore(f.cl, 0.7, 1.0),
  variant: null,
  label: { en: "Effort to rise", vi: "Nỗ lực tăng" },
  explanation: {
    en: "A wide up bar with a higher high and higher low, closing near the top on rising volume: real buying",
    vi: "Nến tăng biên độ rộng, đỉnh và đáy cao hơn phiên trước, đóng cửa gần đỉnh với khối lượng tăng: lực mua thật",
  },
});
