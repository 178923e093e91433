/**
 * Wilder's Average True Range exactly as vpa-signals.md §2 defines it:
 *
 *     TR[0] = high[0] − low[0]
 *     TR[i] = max(high−low, |high − close[i−1]|, |low − close[i−1]|)
 *     ATR[p−1] = mean(TR[0 .. p−1]);  ATR[i] = ((p−1)·ATR[i−1] + TR[i]) / p
 *
 * so the first value is available after `period` bars (index 13 for ATR14).
 *
 * Difference from `technicalindicators` (v3.1.0, checked in `wilder-atr.test.ts`): its `TrueRange`
 * has no value for bar 0, so its `ATR` seeds with mean(TR[1..14]) and starts one bar later
 * (index 14); the two differ by a factor that decays as (13/14)^k and are equal to ~1e-12
 * relative after a few hundred bars. Its smoothing `(TR − ATR)/p + ATR` is algebraically ours
 * but rounds differently (~1 ulp). Feeding `[high[0]−low[0], ...TrueRange]` to its `WEMA`
 * reproduces the spec's ATR.
 *
 * @example
 * const atr = new WilderAtr(14);
 * atr.push(101, 99, 100); // TR[0] = 2
 * atr.value(); // NaN until 14 bars were pushed
 */
export class WilderAtr {
  readonly period: number;
  private pushed = 0;
  private previousClose = Number.NaN;
  private seedSum = 0;
  private average = Number.NaN;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`period must be a positive integer, got ${period}`);
    this.period = period;
  }

  /** Number of bars pushed. */
  get count(): number {
    return this.pushed;
  }

  /** ATR after the last pushed bar; NaN before `period` bars. */
  value(): number {
    return this.average;
  }

  push(high: number, low: number, close: number): void {
    let trueRange = high - low;
    if (this.pushed > 0) {
      const up = Math.abs(high - this.previousClose);
      const down = Math.abs(low - this.previousClose);
      if (up > trueRange) trueRange = up;
      if (down > trueRange) trueRange = down;
    }
    this.previousClose = close;
    const period = this.period;
    if (this.pushed < period) {
      this.seedSum += trueRange;
      if (this.pushed === period - 1) this.average = this.seedSum / period;
    } else {
      this.average = ((period - 1) * this.average + trueRange) / period;
    }
    this.pushed++;
  }
}

/**
 * ATR of a whole series: `result[t]` is ATR[t], NaN for `t < period − 1`.
 *
 * @example
 * const atr14 = wilderAtrColumn(high, low, close, 14);
 */
export function wilderAtrColumn(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`period must be a positive integer, got ${period}`);
  const length = close.length;
  const result = new Float64Array(length).fill(Number.NaN);
  // Same arithmetic as WilderAtr.push, inlined for the columnar path (bit-identical, tested).
  let seedSum = 0;
  let average = Number.NaN;
  for (let t = 0; t < length; t++) {
    let trueRange = high[t]! - low[t]!;
    if (t > 0) {
      const previousClose = close[t - 1]!;
      const up = Math.abs(high[t]! - previousClose);
      const down = Math.abs(low[t]! - previousClose);
      if (up > trueRange) trueRange = up;
      if (down > trueRange) trueRange = down;
    }
    if (t < period) {
      seedSum += trueRange;
      if (t === period - 1) average = seedSum / period;
    } else {
      average = ((period - 1) * average + trueRange) / period;
    }
    result[t] = average;
  }
  return result;
}
