/** What {@link SeenBarTimes.add} found. */
export type SeenBarTime = "newest" | "older" | "duplicate";

/**
 * The bar times (Unix seconds) already read for one symbol during an import, to reject a repeated
 * time even when its copies are far apart in the file (or in different files).
 *
 * Memory: a sorted Float64Array, 8 bytes a bar (3.2M daily bars: ~26 MB, at most twice that while
 * growing), because sources write each symbol's bars in time order and appending is O(1). Times
 * that arrive out of order go to a Set beside it, so a wholly unsorted file stays O(1) per row
 * too, at a Set's ~40 bytes a bar.
 */
export class SeenBarTimes {
  #sorted = new Float64Array(256);
  #length = 0;
  #older: Set<number> | null = null;

  /** The newest time added; -Infinity when empty. */
  get newest(): number {
    return this.#length === 0 ? Number.NEGATIVE_INFINITY : (this.#sorted[this.#length - 1] as number);
  }

  add(time: number): SeenBarTime {
    if (time > this.newest) {
      if (this.#length === this.#sorted.length) {
        const grown = new Float64Array(Math.ceil(this.#sorted.length * 1.5));
        grown.set(this.#sorted);
        this.#sorted = grown;
      }
      this.#sorted[this.#length++] = time;
      return "newest";
    }
    if (this.#hasSorted(time) || this.#older?.has(time) === true) return "duplicate";
    this.#older ??= new Set();
    this.#older.add(time);
    return "older";
  }

  #hasSorted(time: number): boolean {
    let low = 0;
    let high = this.#length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#sorted[middle] as number;
      if (value === time) return true;
      if (value < time) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}
