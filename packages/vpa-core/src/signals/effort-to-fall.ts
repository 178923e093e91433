import type { BarFeatures } from "../analysis/bar-features.ts";
import { isDownBar } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * EFFORT_TO_FALL (bear), the mirror of EFFORT_TO_RISE: `high < high[t-1]`; `low < low[t-1]`;
 * down bar; `cl <= 0.3`; `sr >= 1.0`; `volume > volume[t-1]`; `vr >= 1.2`.
 *
 * @example
 * // previous bar 99–101 close 100; bar 98–100.5 close 98.5 (cl 0.2), sr 1.25, vr 1.5 → EFFORT_TO_FALL
 */
export function matchesEffortToFall(f: BarFeatures): boolean {
  return (
    f.high < f.previousHigh &&
    f.low < f.previousLow &&
    isDownBar(f) &&
    f.cl <= 0.3 &&
    f.sr >= 1.0 &&
    f.volume > f.previousVolume &&
    f.vr >= 1.2
  );
}

/** sv: vr 1.2 → 3.0; ss: sr 1.0 → 2.5; sc: cl 0.3 → 0.0; agreeing trend `down`. */
export function scoreEffortToFall(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "down"),
    linearScore(f.vr, 1.2, 3.0),
    linearScore(f.sr, 1.0, 2.5),
    linearScore(f.cl, 0.3, 0.0),
  );
}
