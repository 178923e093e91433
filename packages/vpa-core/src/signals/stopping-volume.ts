import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * STOPPING_VOLUME (bull): heavy volume at a fresh short-term low in a downtrend, closing off the low.
 * Gate: trend `down`; `low <= min(low[t-4 .. t-1])`; `vr >= 1.5`; `cl >= 0.4`.
 *
 * @example
 * // trend down, recent low 99, bar low 99, vr 1.5, cl 0.5 → STOPPING_VOLUME
 */
export function matchesStoppingVolume(f: BarFeatures): boolean {
  return f.trend === "down" && f.low <= f.recentLow && f.vr >= 1.5 && f.cl >= 0.4;
}

/** sv: vr 1.5 → 3.5; ss: sr 0.7 → 2.0; sc: cl 0.4 → 1.0; agreeing trend `down`. */
export function scoreStoppingVolume(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "down"),
    linearScore(f.vr, 1.5, 3.5),
    linearScore(f.sr, 0.7, 2.0),
    linearScore(f.cl, 0.4, 1.0),
  );
}
