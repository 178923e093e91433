/** Which extreme a {@link RollingExtreme} tracks. */
export type ExtremeKind = "min" | "max";

/**
 * Minimum or maximum of the last `window` values: a monotonic deque kept in two ring buffers,
 * amortised O(1) per push, O(window) memory, exact (only comparisons, no arithmetic).
 *
 * The maximum is tracked as the minimum of the negated values (negation is exact), so one code
 * path serves both kinds.
 *
 * @example
 * const low20 = new RollingExtreme(20, "min");
 * low20.push(10.2); low20.push(9.8); low20.push(10.5);
 * low20.value(); // 9.8
 */
export class RollingExtreme {
  readonly window: number;
  readonly kind: ExtremeKind;
  private readonly sign: number;
  /**
   * One buffer for both rings (fewer objects per instance: this is per-symbol streaming state):
   * `[0, window)` candidate values (sign-adjusted, increasing from head to tail),
   * `[window, 2·window)` the push index of each candidate, to expire it when it leaves the window.
   */
  private readonly slots: Float64Array;
  private head = 0;
  private size = 0;
  private pushed = 0;

  constructor(window: number, kind: ExtremeKind) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`window must be a positive integer, got ${window}`);
    this.window = window;
    this.kind = kind;
    this.sign = kind === "min" ? 1 : -1;
    // At most `window` candidates are alive: all have indices in (pushed - window, pushed].
    this.slots = new Float64Array(2 * window);
  }

  /** Number of values pushed so far (not capped by the window). */
  get count(): number {
    return this.pushed;
  }

  /** True once `window` values have been pushed. */
  get isFull(): boolean {
    return this.pushed >= this.window;
  }

  /** The extreme of the last `window` pushed values (fewer while filling); NaN while empty. */
  value(): number {
    return this.size === 0 ? Number.NaN : this.sign * this.slots[this.head]!;
  }

  push(value: number): void {
    const window = this.window;
    const slots = this.slots;
    const index = this.pushed++;
    const signed = this.sign * value;
    let head = this.head;
    let size = this.size;
    // Expire the front candidate that fell out of the window (at most one per push).
    if (size > 0 && slots[window + head]! <= index - window) {
      head = head + 1 === window ? 0 : head + 1;
      size--;
    }
    // Drop candidates that can never be the extreme again: they are not better than `value` and older.
    while (size > 0) {
      let tail = head + size - 1;
      if (tail >= window) tail -= window;
      if (slots[tail]! < signed) break;
      size--;
    }
    let slot = head + size;
    if (slot >= window) slot -= window;
    slots[slot] = signed;
    slots[window + slot] = index;
    this.head = head;
    this.size = size + 1;
  }
}

/**
 * Rolling extreme of a whole column: `result[t]` = min/max of `values[t-window+1 .. t]`,
 * NaN for `t < window - 1`.
 *
 * @example
 * rollingExtremeColumn(Float64Array.of(3, 1, 2, 5), 2, "max"); // Float64Array [NaN, 3, 2, 5]
 */
export function rollingExtremeColumn(values: Float64Array, window: number, kind: ExtremeKind): Float64Array {
  const extreme = new RollingExtreme(window, kind);
  const result = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) {
    extreme.push(values[t]!);
    result[t] = extreme.isFull ? extreme.value() : Number.NaN;
  }
  return result;
}
