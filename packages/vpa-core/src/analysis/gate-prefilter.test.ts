import { describe, expect, it } from "vitest";
import { matchesAbsorption } from "../signals/absorption.ts";
import { matchesBuyingClimax } from "../signals/buying-climax.ts";
import { matchesEffortToFall } from "../signals/effort-to-fall.ts";
import { matchesEffortToRise } from "../signals/effort-to-rise.ts";
import { matchesNoDemand } from "../signals/no-demand.ts";
import { matchesNoSupply } from "../signals/no-supply.ts";
import { matchesSellingClimax } from "../signals/selling-climax.ts";
import { matchesSpring } from "../signals/spring.ts";
import { matchesStoppingVolume } from "../signals/stopping-volume.ts";
import { matchesTest } from "../signals/test-signal.ts";
import { matchesUpthrust } from "../signals/upthrust.ts";
import type { Trend } from "../trend.ts";
import type { BarFeatures } from "./bar-features.ts";
import { hasLowerVolumeThanPreviousTwo } from "./bar-features.ts";
import { mayMatchAnyGate } from "./gate-prefilter.ts";

const gates = [
  matchesSellingClimax,
  matchesBuyingClimax,
  matchesSpring,
  matchesUpthrust,
  matchesStoppingVolume,
  matchesEffortToRise,
  matchesEffortToFall,
  matchesNoDemand,
  matchesNoSupply,
  matchesTest,
  matchesAbsorption,
];

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("mayMatchAnyGate", () => {
  it("never skips a bar on which some gate holds (200,000 random feature sets, biased to the thresholds, some with vr or sr undefined)", () => {
    const next = random(42);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
    const trends: Trend[] = ["up", "down", "flat"];
    let skipped = 0;
    let matched = 0;
    for (let i = 0; i < 200_000; i++) {
      const low = 90 + next() * 20;
      const high = low + pick([0, next() * 10]);
      const volume = pick([0, 1, 2, 5]) * next() * 1000;
      const averageVolume = 1000;
      const averageSpread = 5;
      const spread = high - low;
      const f: BarFeatures = {
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
        // v1.1: a zero 20-bar average leaves its ratio undefined (NaN) on some bars.
        vr: next() < 0.1 ? Number.NaN : volume / averageVolume,
        sr: next() < 0.1 ? Number.NaN : spread / averageSpread,
        cl: spread > 0 ? next() : 0.5,
        degenerate: spread === 0,
        atr: 5,
        trend: pick(trends),
        support: 88 + next() * 20,
        resistance: 95 + next() * 20,
        recentLow: 88 + next() * 20,
        recentBullSetup: next() < 0.5,
      };
      const anyGate = gates.some((gate) => gate(f));
      const prefilter = mayMatchAnyGate(
        f.vr,
        hasLowerVolumeThanPreviousTwo(f),
        f.low,
        f.support,
        f.high,
        f.resistance,
      );
      if (!prefilter) skipped++;
      if (anyGate) matched++;
      if (anyGate && !prefilter) throw new Error(`prefilter skipped a matching bar: ${JSON.stringify(f)}`);
    }
    // The sample exercises both sides.
    expect(skipped).toBeGreaterThan(1_000);
    expect(matched).toBeGreaterThan(1_000);
  });
});
