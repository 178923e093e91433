import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";

/**
 * Volume score of the "quiet" signals NO_DEMAND, NO_SUPPLY and TEST (§4):
 * `volume[t] / min(volume[t-1], volume[t-2])` mapped 1.0 → 0.5. Their gate requires `lowVs2`,
 * so the minimum is above `volume[t] >= 0` and the ratio is always defined.
 *
 * @example
 * // volume 600 after 1000 and 800 → ratio 0.75 → 0.5
 */
export function quietVolumeScore(f: BarFeatures): number {
  const lowerPrevious = Math.min(f.previousVolume, f.volumeTwoBarsBack);
  return linearScore(f.volume / lowerPrevious, 1.0, 0.5);
}
