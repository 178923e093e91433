import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * SELLING_CLIMAX (bull): panic selling on ultra volume and a wide bar that breaks support but
 * closes in its upper half. Gate: trend `down`; `vr >= 2.0`; `sr >= 1.5`; `low < 20-bar low`; `cl >= 0.5`.
 *
 * @example
 * // trend down, vr 3, sr 2.5, low 96 under support 99, cl 0.6 → matches, score 46 (see the test)
 */
export function matchesSellingClimax(f: BarFeatures): boolean {
  return f.trend === "down" && f.vr >= 2.0 && f.sr >= 1.5 && f.low < f.support && f.cl >= 0.5;
}

/** sv: vr 2.0 → 4.0; ss: sr 1.5 → 3.0; sc: cl 0.5 → 1.0; agreeing trend `down`. */
export function scoreSellingClimax(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "down"),
    linearScore(f.vr, 2.0, 4.0),
    linearScore(f.sr, 1.5, 3.0),
    linearScore(f.cl, 0.5, 1.0),
  );
}
