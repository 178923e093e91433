import { describe, expect, it } from "vitest";
import { relativeMetrics } from "./relative-metrics.ts";

/** A value series from 100 compounding the given daily returns. */
function compound(returns: readonly number[]): number[] {
  const values = [100];
  for (const r of returns) values.push(values.at(-1)! * (1 + r));
  return values;
}

describe("the strategy against a benchmark (daily returns, 252 sessions a year, sample statistics)", () => {
  it("computes excess return, beta, alpha, tracking error and information ratio by hand", () => {
    // rs = 0.02, −0.01, 0.03, 0 (mean 0.01); rb = 0.01, −0.02, 0.02, 0.01 (mean 0.005).
    // Deviations s: 0.01, −0.02, 0.02, −0.01; b: 0.005, −0.025, 0.015, 0.005.
    // Σ ds·db = 0.00005 + 0.0005 + 0.0003 − 0.00005 = 0.0008; Σ db² = 0.0009 → beta = 8/9.
    // alpha = (0.01 − 8/9 × 0.005) × 252 = 0.0055556 × 252 = 1.4.
    // Active a = 0.01, 0.01, 0.01, −0.01: mean 0.005, Σ(a − m)² = 3 × 0.000025 + 0.000225 = 0.0003,
    // sample variance 0.0001 → std 0.01; TE = 0.01 × √252 = 0.158745; IR = 0.5 × √252 = 7.937254.
    // Totals: 1.02 × 0.99 × 1.03 − 1 = 0.040094; 1.01 × 0.98 × 1.02 × 1.01 − 1 = 0.01969196.
    const metrics = relativeMetrics(compound([0.02, -0.01, 0.03, 0]), compound([0.01, -0.02, 0.02, 0.01]));
    expect(metrics.excessReturn).toBeCloseTo(0.040094 - 0.01969196, 12);
    expect(metrics.beta).toBeCloseTo(8 / 9, 12);
    expect(metrics.alpha).toBeCloseTo(1.4, 10);
    expect(metrics.trackingError).toBeCloseTo(0.01 * Math.sqrt(252), 10);
    expect(metrics.informationRatio).toBeCloseTo(7.937254, 5);
  });

  it("gives beta 2 and alpha 0 to a strategy that moves exactly twice as much as its benchmark", () => {
    // Active returns 0.05, −0.05, 0.05: the same ratio as the Sharpe example of backtest-metrics.test.ts.
    const metrics = relativeMetrics(compound([0.1, -0.1, 0.1]), compound([0.05, -0.05, 0.05]));
    expect(metrics.beta).toBeCloseTo(2, 12);
    expect(metrics.alpha).toBeCloseTo(0, 12);
    expect(metrics.trackingError).toBeCloseTo(0.057735 * Math.sqrt(252), 4);
    expect(metrics.informationRatio).toBeCloseTo(4.5826, 3);
  });

  it("leaves undefined ratios null, never Infinity or NaN", () => {
    // A flat benchmark has no variance (no beta, no alpha); identical series have no active risk.
    const flat = relativeMetrics(compound([0.01, -0.01, 0.02]), [100, 100, 100, 100]);
    expect(flat).toMatchObject({ beta: null, alpha: null });
    expect(flat.informationRatio).not.toBeNull();
    const same = relativeMetrics(compound([0.01, -0.01]), compound([0.01, -0.01]));
    expect(same).toMatchObject({ excessReturn: 0, trackingError: 0, informationRatio: null, beta: 1 });
    expect(relativeMetrics([100, 110], [100, 90])).toEqual({
      excessReturn: expect.closeTo(0.2, 12),
      beta: null,
      alpha: null,
      trackingError: null,
      informationRatio: null,
    });
    expect(() => relativeMetrics([1, 2], [1])).toThrow(RangeError);
  });
});
