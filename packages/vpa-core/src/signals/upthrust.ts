import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * UPTHRUST (bear): a push over resistance that fails and closes back inside, low in the bar.
 * Gate: `high > 20-bar high`; `close <= 20-bar high`; `cl <= 0.4`; `sr >= 1.0`; trend not `down`.
 *
 * @example
 * // resistance 101, bar high 102, close 99.5, low 99 (cl 0.17), sr 1.5, trend flat → UPTHRUST
 */
export function matchesUpthrust(f: BarFeatures): boolean {
  return f.high > f.resistance && f.close <= f.resistance && f.cl <= 0.4 && f.sr >= 1.0 && f.trend !== "down";
}

/** sv: vr 1.0 → 3.0; ss: sr 1.0 → 2.5; sc: cl 0.4 → 0.0; agreeing trend `up`. */
export function scoreUpthrust(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "up"),
    linearScore(f.vr, 1.0, 3.0),
    linearScore(f.sr, 1.0, 2.5),
    linearScore(f.cl, 0.4, 0.0),
  );
}
