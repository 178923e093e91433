import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * BUYING_CLIMAX (bear): euphoric buying on ultra volume and a wide bar that breaks resistance but
 * closes off its high. Gate: trend `up`; `vr >= 2.0`; `sr >= 1.5`; `high > 20-bar high`; `cl <= 0.5`.
 *
 * @example
 * // trend up, vr 3, sr 2.5, high above resistance, cl 0.4 → matches
 */
export function matchesBuyingClimax(f: BarFeatures): boolean {
  return f.trend === "up" && f.vr >= 2.0 && f.sr >= 1.5 && f.high > f.resistance && f.cl <= 0.5;
}

/** sv: vr 2.0 → 4.0; ss: sr 1.5 → 3.0; sc: cl 0.5 → 0.0; agreeing trend `up`. */
export function scoreBuyingClimax(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "up"),
    linearScore(f.vr, 2.0, 4.0),
    linearScore(f.sr, 1.5, 3.0),
    linearScore(f.cl, 0.5, 0.0),
  );
}
