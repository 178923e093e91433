import { TRADING_DAYS_PER_YEAR } from "./backtest-metrics.ts";

/**
 * The strategy against one benchmark, from the two series' values at the same sessions' closes
 * (README "Against a benchmark"; hand-checked in relative-metrics.test.ts). With `rs` and `rb` the
 * daily returns of the strategy and the benchmark, `a = rs − rb` the active return, means `m`,
 * sample (n − 1) variances and covariances, 252 sessions a year and a risk-free rate of 0:
 */
export interface RelativeMetrics {
  /**
   * Strategy total return − benchmark total return, both over the run: a difference of fractions
   * (−0.382 = trails by 38.2 percentage points).
   */
  readonly excessReturn: number;
  /** cov(rs, rb) / var(rb); null when the benchmark never moved or there are < 2 returns. */
  readonly beta: number | null;
  /** Jensen's alpha, annualised: (m(rs) − beta × m(rb)) × 252; null with beta. */
  readonly alpha: number | null;
  /** Tracking error: stdev(a) × √252; null with < 2 returns. */
  readonly trackingError: number | null;
  /** Information ratio: m(a) / stdev(a) × √252; null when the tracking error is 0 or null. */
  readonly informationRatio: number | null;
}

/**
 * {@link RelativeMetrics} of `strategy` against `benchmark`, two value series over the same
 * sessions (equal lengths, the first point being the start; any units, each its own).
 *
 * @example
 * // The strategy moves exactly twice as much as the benchmark each day: beta 2, alpha 0.
 * relativeMetrics([100, 110, 99, 108.9], [100, 105, 99.75, 104.7375]); // { beta: 2, alpha: 0, ... }
 * @throws RangeError when the lengths differ.
 */
export function relativeMetrics(strategy: ArrayLike<number>, benchmark: ArrayLike<number>): RelativeMetrics {
  const points = strategy.length;
  if (benchmark.length !== points)
    throw new RangeError(`strategy has ${points} points and the benchmark ${benchmark.length}`);
  const n = Math.max(0, points - 1);
  const total = (series: ArrayLike<number>) => (points === 0 ? 0 : series[points - 1]! / series[0]! - 1);
  const excessReturn = total(strategy) - total(benchmark);
  if (n < 2) return { excessReturn, beta: null, alpha: null, trackingError: null, informationRatio: null };
  const rs = new Float64Array(n);
  const rb = new Float64Array(n);
  let sumS = 0;
  let sumB = 0;
  for (let t = 1; t < points; t++) {
    rs[t - 1] = strategy[t]! / strategy[t - 1]! - 1;
    rb[t - 1] = benchmark[t]! / benchmark[t - 1]! - 1;
    sumS += rs[t - 1]!;
    sumB += rb[t - 1]!;
  }
  const meanS = sumS / n;
  const meanB = sumB / n;
  const meanA = meanS - meanB;
  let covariance = 0;
  let varianceB = 0;
  let varianceA = 0;
  for (let t = 0; t < n; t++) {
    const ds = rs[t]! - meanS;
    const db = rb[t]! - meanB;
    const da = rs[t]! - rb[t]! - meanA;
    covariance += ds * db;
    varianceB += db * db;
    varianceA += da * da;
  }
  // The (n − 1) divisors cancel in beta; they matter for the tracking error.
  const beta = varianceB > 0 ? covariance / varianceB : null;
  const annual = Math.sqrt(TRADING_DAYS_PER_YEAR);
  const activeStd = Math.sqrt(varianceA / (n - 1));
  return {
    excessReturn,
    beta,
    alpha: beta === null ? null : (meanS - beta * meanB) * TRADING_DAYS_PER_YEAR,
    trackingError: activeStd * annual,
    informationRatio: activeStd > 0 ? (meanA / activeStd) * annual : null,
  };
}
