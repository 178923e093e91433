import type { BarFeatures } from "../analysis/bar-features.ts";
import type { SpringVariant } from "../signal-type.ts";
import { linearScore, signalScore } from "./linear-score.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * SPRING (bull): a dip under support that closes back inside the range, high in the bar.
 * Gate: `low < 20-bar low`; `close >= 20-bar low`; `cl >= 0.6`; trend not `up`.
 *
 * @example
 * // support 99, bar low 98, close 100.5, high 101 (cl 0.83), trend flat → SPRING
 */
export function matchesSpring(f: BarFeatures): boolean {
  return f.low < f.support && f.close >= f.support && f.cl >= 0.6 && f.trend !== "up";
}

/**
 * `shakeout` on high volume (`vr >= 1.5`), else a quiet `spring`. An undefined `vr` (v1.1, zero
 * volume average) is not `>= 1.5`: the variant is `spring`.
 */
export function springVariant(f: BarFeatures): SpringVariant {
  return f.vr >= 1.5 ? "shakeout" : "spring";
}

/**
 * sv: shakeout vr 1.5 → 3.0, spring vr 1.0 → 0.5 (a quiet spring is better);
 * ss: penetration `(support − low) / atr` 0 → 1 ATR; sc: cl 0.6 → 1.0; agreeing trend `down`.
 *
 * `atr` is the spec's feature (ATR14 at t−1). If it is 0 the spec's ratio is undefined; we read a
 * penetration of a range that had no true range at all as maximal (ss = 1). Since v1.1 this is
 * reachable: a series that never moved (every bar high = low at one price) has ATR 0, and a SPRING
 * no longer needs a non-zero spread average.
 *
 * With `vr` undefined (v1.1) sv counts 0 on either scale — also on the quiet spring's, where a
 * lower vr would score higher: a term built on an undefined ratio counts 0.
 */
export function scoreSpring(f: BarFeatures): number {
  const volumeScore = f.vr >= 1.5 ? linearScore(f.vr, 1.5, 3.0) : linearScore(f.vr, 1.0, 0.5);
  const penetration = f.support - f.low;
  const spreadScore = f.atr > 0 ? linearScore(penetration / f.atr, 0, 1) : 1;
  return signalScore(trendContext(f.trend, "down"), volumeScore, spreadScore, linearScore(f.cl, 0.6, 1.0));
}
