import type { BarFeatures } from "../analysis/bar-features.ts";
import { isUpBar } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * EFFORT_TO_RISE (bull): a higher-high, higher-low up bar closing near its high on rising,
 * above-average volume. Gate: `high > high[t-1]`; `low > low[t-1]`; up bar; `cl >= 0.7`;
 * `sr >= 1.0`; `volume > volume[t-1]`; `vr >= 1.2`.
 *
 * @example
 * // previous bar 99–101 close 100; bar 99.5–102 close 101.5 (cl 0.8), sr 1.25, vr 1.5 → EFFORT_TO_RISE
 */
export function matchesEffortToRise(f: BarFeatures): boolean {
  return (
    f.high > f.previousHigh &&
    f.low > f.previousLow &&
    isUpBar(f) &&
    f.cl >= 0.7 &&
    f.sr >= 1.0 &&
    f.volume > f.previousVolume &&
    f.vr >= 1.2
  );
}

/** sv: vr 1.2 → 3.0; ss: sr 1.0 → 2.5; sc: cl 0.7 → 1.0; agreeing trend `up`. */
export function scoreEffortToRise(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "up"),
    linearScore(f.vr, 1.2, 3.0),
    linearScore(f.sr, 1.0, 2.5),
    linearScore(f.cl, 0.7, 1.0),
  );
}
