import type { BarFeatures, Trend } from "../../src/index.ts";

const TRENDS: readonly Trend[] = ["up", "down", "flat"];

/**
 * Random features for property tests of the gates, biased so that every gate of vpa-signals.md §3
 * holds on a good share of them: prices near support and resistance, volumes of 0 to 5 times the
 * average (so vr crosses 1.2, 1.5, 2 and 2.5), degenerate bars, and in about one set in ten `vr`
 * or `sr` undefined (NaN: a zero 20-bar average, v1.1). Deterministic for a given `next`.
 *
 * @example
 * const next = seededRandom(42);
 * const f = randomFeatures(next);
 */
export function randomFeatures(next: () => number): BarFeatures {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const low = 90 + next() * 20;
  const high = low + pick([0, next() * 10]);
  const volume = pick([0, 1, 2, 5]) * next() * 1000;
  const averageVolume = 1000;
  const averageSpread = 5;
  const spread = high - low;
  return {
    index: 60,
    high,
    low,
    close: low + next() * spread,
    volume,
    spread,
    previousClose: 90 + next() * 20,
    previousHigh: 95 + next() * 20,
    previousLow: 85 + next() * 20,
    previousVolume: next() * 3000,
    volumeTwoBarsBack: next() * 3000,
    averageVolume,
    averageSpread,
    vr: next() < 0.1 ? Number.NaN : volume / averageVolume,
    sr: next() < 0.1 ? Number.NaN : spread / averageSpread,
    cl: spread > 0 ? next() : 0.5,
    degenerate: spread === 0,
    atr: pick([0, 5, 5, 5]),
    trend: pick(TRENDS),
    support: 88 + next() * 20,
    resistance: 95 + next() * 20,
    recentLow: 88 + next() * 20,
    recentBullSetup: next() < 0.5,
  };
}
