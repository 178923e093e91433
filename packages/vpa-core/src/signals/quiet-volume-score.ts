import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";

/**
 * Volume score of the "quiet" signals NO_DEMAND, NO_SUPPLY and TEST (§4):
 * `volume[t] / min(volume[t-1], volume[t-2])` mapped 1.0 → 0.5. Their gate requires `lowVs2`,
 * so the minimum is above `volume[t] >= 0` and the ratio is always defined.
 *
 * Zero averages (v1.1): this ratio is not `vr`, so an undefined `vr` does not switch it off. The
 * case cannot arise anyway: `vr` is undefined only after 20 zero volumes, and then `lowVs2`
 * (`volume[t] < 0`) cannot hold, so none of the three fires on such a bar (zero-averages.test.ts).
 *
 * @example
 * // volume 600 after 1000 and 800 → ratio 0.75 → 0.5
 */
export function quietVolumeScore(f: BarFeatures): number {
  const lowerPrevious = Math.min(f.previousVolume, f.volumeTwoBarsBack);
  return linearScore(f.volume / lowerPrevious, 1.0, 0.5);
}
