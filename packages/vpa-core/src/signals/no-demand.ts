import type { BarFeatures } from "../analysis/bar-features.ts";
import { hasLowerVolumeThanPreviousTwo, isUpBar } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { quietVolumeScore } from "./quiet-volume-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * NO_DEMAND (bear): a narrow up bar on volume below the two previous bars, not closing high.
 * Gate: up bar; `sr < 0.7`; `lowVs2`; `cl < 2/3`; trend not `down`.
 *
 * @example
 * // flat trend, close 100.25 after 100, spread 1 (sr 0.5), volume 600 after 1000/800, cl 0.5 → NO_DEMAND
 */
export function matchesNoDemand(f: BarFeatures): boolean {
  return isUpBar(f) && f.sr < 0.7 && hasLowerVolumeThanPreviousTwo(f) && f.cl < 2 / 3 && f.trend !== "down";
}

/** sv: volume / min(previous two) 1.0 → 0.5; ss: sr 0.7 → 0.3; sc: cl 2/3 → 0; agreeing trend `up`. */
export function scoreNoDemand(f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, "up"),
    quietVolumeScore(f),
    linearScore(f.sr, 0.7, 0.3),
    linearScore(f.cl, 2 / 3, 0),
  );
}
