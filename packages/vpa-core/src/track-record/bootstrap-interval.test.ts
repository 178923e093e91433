import { describe, expect, it } from "vitest";
import { bootstrapIntervals } from "./bootstrap-interval.ts";
import { medianOf } from "./median-of.ts";
import { summarizeOutcomeGroup } from "./outcome-group-summary.ts";
import { mulberry32 } from "./seeded-random.ts";

/** A skewed sample like daily-stock returns: mostly small, a few large gains. */
function skewedSample(n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const u = random();
    return u < 0.05 ? 0.2 * random() : 0.03 * (random() - 0.55);
  });
}

describe("bootstrap intervals", () => {
  it("are deterministic for a seed, and move with it", () => {
    const a = skewedSample(300, 1);
    const b = skewedSample(300, 2);
    const first = bootstrapIntervals(a, b, 42);
    expect(bootstrapIntervals(a, b, 42)).toEqual(first);
    expect(bootstrapIntervals(a, b, 43)).not.toEqual(first);
    expect(first.mean?.method).toBe("bootstrap");
  });

  it("follow the inlined generator: mulberry32's index sequence, percentiles 25 and 974 of 1000", () => {
    const values = Float64Array.of(-0.02, 0.01, 0.03, 0.05);
    const random = mulberry32(7);
    const means = Float64Array.from({ length: 1000 }, () => {
      let sum = 0;
      for (let j = 0; j < 4; j++) sum += values[Math.floor(random() * 4)]!;
      return sum / 4;
    }).sort();
    const { mean } = bootstrapIntervals(values, new Float64Array(0), 7);
    expect(mean).toEqual({ low: means[25], high: means[974], method: "bootstrap" });
  });

  it("cover the mean, and the difference of two samples", () => {
    const a = skewedSample(500, 3);
    const b = skewedSample(400, 4);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const { mean: ci, difference } = bootstrapIntervals(a, b, 1);
    expect(ci!.low).toBeLessThan(mean(a));
    expect(ci!.high).toBeGreaterThan(mean(a));
    expect(difference!.low).toBeLessThan(mean(a) - mean(b));
    expect(difference!.high).toBeGreaterThan(mean(a) - mean(b));
    // The difference is less certain than either mean.
    expect(difference!.high - difference!.low).toBeGreaterThan(ci!.high - ci!.low);
  });

  it("above 1,000 values the normal approximation stands in, and agrees with resampling", () => {
    const a = skewedSample(1500, 5);
    const b = skewedSample(1500, 6);
    const normal = bootstrapIntervals(a, b, 1);
    const resampled = bootstrapIntervals(a, b, 1, { exactLimit: 10_000 });
    expect(normal.mean!.method).toBe("normal");
    expect(resampled.mean!.method).toBe("bootstrap");
    const half = (normal.mean!.high - normal.mean!.low) / 2;
    expect(Math.abs(normal.mean!.low - resampled.mean!.low)).toBeLessThan(0.1 * half);
    expect(Math.abs(normal.mean!.high - resampled.mean!.high)).toBeLessThan(0.1 * half);
  });

  it("need two values", () => {
    expect(bootstrapIntervals(Float64Array.of(0.1), Float64Array.of(0.1, 0.2), 1)).toEqual({
      mean: null,
      difference: null,
    });
  });
});

describe("group summaries", () => {
  it("do not depend on the order the returns came in", () => {
    const a = skewedSample(200, 8);
    const b = skewedSample(200, 9);
    const options = { seed: 5, key: "type|SPRING|bull|5" };
    const one = summarizeOutcomeGroup("bull", a.slice(), b.slice(), options);
    const two = summarizeOutcomeGroup("bull", a.slice().reverse(), b.slice().reverse(), options);
    expect(two).toEqual(one);
    expect(summarizeOutcomeGroup("bull", a.slice(), b.slice(), { ...options, key: "other" })).not.toEqual(
      one,
    );
  });

  it("count hits the signal's way, give the median, and call the verdict from the edge's interval", () => {
    const up = Float64Array.from({ length: 40 }, (_, i) => 0.02 + i * 0.001);
    const flat = Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? -0.01 : 0.01));
    const bull = summarizeOutcomeGroup("bull", up.slice(), flat.slice(), { seed: 1, key: "k" });
    expect(bull.signals).toMatchObject({ count: 40, hits: 40, hitRate: 1 });
    expect(bull.signals.median).toBeCloseTo(0.0395, 12);
    expect(bull.chance).toMatchObject({ count: 40, hits: 20, hitRate: 0.5 });
    expect(bull.edge.mean).toBeCloseTo(0.0395, 12);
    expect(bull.verdict).toBe("edge");
    // The same returns read by a bear signal: it said down, the price went up.
    const bear = summarizeOutcomeGroup("bear", up.slice(), flat.slice(), { seed: 1, key: "k" });
    expect(bear.signals.hits).toBe(0);
    expect(bear.verdict).toBe("worse-than-chance");
    const same = summarizeOutcomeGroup("bull", flat.slice(), flat.slice(), { seed: 1, key: "k" });
    expect(same.verdict).toBe("no-edge");
    const few = summarizeOutcomeGroup("bull", up.slice(0, 29), flat.slice(), { seed: 1, key: "k" });
    expect(few.verdict).toBe("too-few");
  });
});

describe("medianOf", () => {
  it("equals the sorted middle on odd, even, repeated and random samples", () => {
    const random = mulberry32(3);
    const samples = [
      Float64Array.of(5, 1, 4, 2),
      Float64Array.of(3),
      Float64Array.of(2, 2, 2, 1, 2),
      ...[1, 2, 7, 100, 1001, 5000].map((n) =>
        Float64Array.from({ length: n }, () => Math.round(random() * 50) / 10),
      ),
    ];
    for (const sample of samples) {
      const sorted = sample.slice().sort();
      const m = sorted.length >> 1;
      const expected = sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
      expect(medianOf(sample.slice())).toBe(expected);
    }
    expect(medianOf(new Float64Array(0))).toBeNaN();
  });
});
