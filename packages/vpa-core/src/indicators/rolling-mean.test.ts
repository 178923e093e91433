import { SMA } from "technicalindicators";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../test-support/seeded-random.ts";
import { RollingMean, rollingMeanColumn } from "./rolling-mean.ts";

const EPSILON = 2 ** -53;

describe("RollingMean", () => {
  it("is the mean of the last `window` values", () => {
    const mean = new RollingMean(3);
    expect(mean.mean()).toBeNaN();
    mean.push(1);
    mean.push(2);
    expect([mean.count, mean.isFull, mean.mean()]).toEqual([2, false, 1.5]);
    mean.push(3);
    mean.push(4);
    expect([mean.count, mean.isFull, mean.mean()]).toEqual([3, true, 3]);
  });

  it("rejects a window that is not a positive integer", () => {
    expect(() => new RollingMean(0)).toThrow(RangeError);
    expect(() => new RollingMean(2.5)).toThrow(RangeError);
  });

  it("matches technicalindicators' SMA (relative 1e-12) on 5,000 random values", () => {
    const next = seededRandom(7);
    const values = Array.from({ length: 5_000 }, () => 1 + next() * 1000);
    const ours = rollingMeanColumn(Float64Array.from(values), 20);
    const theirs = SMA.calculate({ period: 20, values });
    expect(theirs.length).toBe(values.length - 19);
    theirs.forEach((value, j) => {
      const mine = ours[j + 19]!;
      expect(Math.abs(mine - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value));
    });
  });

  it("keeps the drift inside the documented bound (3·window·ε·S) where a plain running sum does not", () => {
    // Adversarial: huge values (1e9) followed by tiny ones (1e-3). After the huge values leave the
    // window, a plain running sum keeps their rounding error (~1e-7) forever; ours drops it at the
    // next recomputation. S = the largest window sum of |values| since the previous recomputation.
    const window = 20;
    const next = seededRandom(11);
    const values: number[] = [];
    for (let block = 0; block < 200; block++) {
      const huge = block % 2 === 0;
      for (let i = 0; i < 45; i++) values.push(huge ? 1e9 * (1 + next()) : 1e-3 * (1 + next()));
    }
    const mean = new RollingMean(window);
    let naive = 0;
    let worstRatio = 0;
    let naiveError = 0;
    let ourError = 0;
    const windowSums: number[] = [];
    for (let t = 0; t < values.length; t++) {
      mean.push(values[t]!);
      naive += values[t]! - (t >= window ? values[t - window]! : 0);
      if (t < window - 1) continue;
      let exact = 0;
      for (let i = t - window + 1; i <= t; i++) exact += values[i]!;
      windowSums.push(exact);
      // S over the windows since the last recomputation (at most 2·window back is a safe cover).
      const scale = Math.max(...windowSums.slice(-2 * window));
      const error = Math.abs(mean.sum - exact);
      // `exact` itself carries (window−1)·ε·S of rounding: allow it on top of the bound.
      worstRatio = Math.max(worstRatio, error / ((3 * window + window) * EPSILON * scale));
      naiveError = Math.abs(naive - exact) / exact;
      ourError = Math.abs(mean.sum - exact) / exact;
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
    // The last block is tiny values, 45 long: the huge ones left the window and a recomputation
    // happened since. The plain running sum still carries their rounding error; ours does not.
    expect(naiveError).toBeGreaterThan(1e-6);
    expect(ourError).toBeLessThan(1e-14);
  });

  it("is exact for integer volumes", () => {
    const next = seededRandom(3);
    const values = Float64Array.from({ length: 10_000 }, () => Math.floor(next() * 5e7));
    const ours = rollingMeanColumn(values, 20);
    for (let t = 19; t < values.length; t++) {
      let sum = 0;
      for (let i = t - 19; i <= t; i++) sum += values[i]!;
      expect(ours[t]).toBe(sum / 20);
    }
  });
});

describe("rollingMeanColumn", () => {
  it("is bit-identical to RollingMean pushed value by value", () => {
    const next = seededRandom(21);
    const values = Float64Array.from({ length: 5_000 }, () => (next() < 0.01 ? 1e9 : next() * 10));
    for (const window of [1, 3, 10, 20]) {
      const column = rollingMeanColumn(values, window);
      const mean = new RollingMean(window);
      values.forEach((x, t) => {
        mean.push(x);
        expect(column[t]).toBe(t >= window - 1 ? mean.mean() : Number.NaN);
      });
    }
  });
});
