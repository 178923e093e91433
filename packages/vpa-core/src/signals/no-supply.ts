import type { BarFeatures } from "../analysis/bar-features.ts";
import { hasLowerVolumeThanPreviousTwo, isDownBar } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { quietVolumeScore } from "./quiet-volume-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * NO_SUPPLY (bull): a narrow down bar on volume below the two previous bars, not closing low.
 * Gate: down bar; `sr < 0.7`; `lowVs2`; `cl > 1/3`; trend not `up`.
 *
 * @example
 * // flat trend, close 99.75 after 100, spread 1 (sr 0.5), volume 600 after 1000/800, cl 0.5 → NO_SUPPLY
 */
export function matchesNoSupply(f: BarFeatures): boolean {
  return isDownBar(f) && f.sr < 0.7 && hasLowerVolumeThanPreviousTwo(f) && f.cl > 1 / 3 && f.trend !== "up";
}

/** sv: volume / min(previous two) 1.0 → 0.5; ss: sr 0.7 → 0.3; sc: cl 1/3 → 1; agreeing trend `down`. */
export function scoreNoSupply(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "down"),
    quietVolumeScore(f),
    linearScore(f.sr, 0.7, 0.3),
    linearScore(f.cl, 1 / 3, 1),
  );
}
