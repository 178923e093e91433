import type { BarFeatures } from "../analysis/bar-features.ts";
import { linearScore, signalScore } from "./linear-score.ts";

/**
 * ABSORPTION: effort without result — high volume (`vr >= 1.5`) on a narrow bar (`sr < 0.7`).
 * Bull in a `down` trend (selling absorbed), bear in an `up` trend (buying absorbed), never in a
 * `flat` trend. The bias follows from the trend, so `select-signals.ts` asks for it on the bull side
 * only in a down trend and on the bear side only in an up trend.
 *
 * @example
 * // trend down, vr 2, sr 0.5 → bull ABSORPTION
 */
export function matchesAbsorption(f: BarFeatures): boolean {
  return f.vr >= 1.5 && f.sr < 0.7 && f.trend !== "flat";
}

/**
 * sv: vr 1.5 → 3.5; ss: sr 0.7 → 0.3; sc: |cl − 0.5| 0.5 → 0 (a middle close is best).
 * The trend always agrees (it decides the bias), so context is 1.0.
 */
export function scoreAbsorption(f: BarFeatures): number {
  return signalScore(
    1,
    linearScore(f.vr, 1.5, 3.5),
    linearScore(f.sr, 0.7, 0.3),
    linearScore(Math.abs(f.cl - 0.5), 0.5, 0),
  );
}
