/**
 * Mean of the last `window` values, O(1) per push, O(window) memory.
 *
 * Numerics: a running sum drifts (every `sum += x - oldest` rounds, and after a huge value
 * leaves the window its rounding error stays behind forever). We bound the drift by recomputing
 * the sum exactly from the ring buffer every time the write position wraps, i.e. once per
 * `window` pushes (amortised one extra addition per push). Between two recomputations at most
 * `window` updates accumulate, so with `S` = the largest sum of |values| over the windows seen
 * since the last recomputation:
 *
 *     |sum − exact| <= (3·window) · ε · S        (ε = 2^-53)
 *
 * (window−1 roundings from the recomputation, ≤ 2 per update after it). The bound is tested in
 * `rolling-mean.test.ts`. For integer inputs whose sums stay below 2^53 (volumes) the sum is exact.
 *
 * The order of operations is fixed, so two instances fed the same values hold bit-identical
 * sums: this is what lets the batch and the streaming analysis agree exactly.
 *
 * `RollingMean` after pushing bar t is the simple moving average SMA(window) at t.
 *
 * @example
 * const sma3 = new RollingMean(3);
 * for (const x of [1, 2, 3, 4]) sma3.push(x);
 * sma3.mean(); // 3 = (2 + 3 + 4) / 3
 */
export class RollingMean {
  readonly window: number;
  private readonly values: Float64Array;
  private position = 0;
  private filled = 0;
  private total = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`window must be a positive integer, got ${window}`);
    this.window = window;
    this.values = new Float64Array(window);
  }

  /** Number of values in the window (≤ window). */
  get count(): number {
    return this.filled;
  }

  /** True once `window` values have been pushed. */
  get isFull(): boolean {
    return this.filled === this.window;
  }

  /** Sum of the values in the window (drift-bounded, see the class comment). */
  get sum(): number {
    return this.total;
  }

  /** Mean of the values in the window; NaN while empty. */
  mean(): number {
    return this.filled === 0 ? Number.NaN : this.total / this.filled;
  }

  push(value: number): void {
    const position = this.position;
    if (this.filled === this.window) {
      this.total += value - this.values[position]!;
    } else {
      this.total += value;
      this.filled++;
    }
    this.values[position] = value;
    if (position + 1 === this.window) {
      this.position = 0;
      // The ring is now in chronological order (oldest at 0): recompute to drop accumulated drift.
      let exact = 0;
      for (let i = 0; i < this.window; i++) exact += this.values[i]!;
      this.total = exact;
    } else {
      this.position = position + 1;
    }
  }
}

/**
 * SMA(window) of a whole column: `result[t]` = mean of `values[t-window+1 .. t]`, NaN for
 * `t < window - 1`. Same arithmetic as {@link RollingMean}, bit for bit.
 *
 * @example
 * rollingMeanColumn(Float64Array.of(1, 2, 3, 4), 3); // Float64Array [NaN, NaN, 2, 3]
 */
export function rollingMeanColumn(values: Float64Array, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`window must be a positive integer, got ${window}`);
  const result = new Float64Array(values.length).fill(Number.NaN);
  // The column is its own ring buffer: values[t − window] is what RollingMean would overwrite, and
  // the recomputation points ((t + 1) % window === 0) and order are RollingMean's, so the sums are
  // bit-identical (tested) while the loop stays free of method calls.
  let sum = 0;
  for (let t = 0; t < values.length; t++) {
    if (t >= window) sum += values[t]! - values[t - window]!;
    else sum += values[t]!;
    if ((t + 1) % window === 0) {
      sum = 0;
      for (let i = t + 1 - window; i <= t; i++) sum += values[i]!;
    }
    if (t >= window - 1) result[t] = sum / window;
  }
  return result;
}
