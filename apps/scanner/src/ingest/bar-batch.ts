import type { BarColumns } from "@vpa/db";
import type { SymbolSeries } from "./symbol-series.ts";
import type { CheckedBar } from "./validate-bar-row.ts";

/**
 * Accepted bars of any symbols, kept as columns until written (write-bar-batch.ts). The columns
 * are fixed-size typed arrays, reused batch after batch (batch-write-queue.ts), so the import's
 * memory does not grow with the file and the garbage collector sees no per-bar objects.
 */
export class BarBatch {
  readonly capacity: number;
  /** The series of each row (one reference, not one object per bar). */
  readonly series: SymbolSeries[] = [];
  readonly stockIds: Int32Array;
  readonly times: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  #length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.stockIds = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  get isFull(): boolean {
    return this.#length >= this.capacity;
  }

  push(series: SymbolSeries, bar: CheckedBar): void {
    const i = this.#length++;
    this.series[i] = series;
    this.times[i] = bar.key;
    this.open[i] = bar.open;
    this.high[i] = bar.high;
    this.low[i] = bar.low;
    this.close[i] = bar.close;
    // Whole shares: the column is int8.
    this.volume[i] = Math.round(bar.volume);
  }

  clear(): void {
    this.#length = 0;
    this.series.length = 0;
  }

  /**
   * The rows whose series matches `wanted`, with their stock ids (resolved by then). When every row
   * matches (the usual case) these are views of the batch's own arrays, not copies.
   */
  columns(wanted: (series: SymbolSeries) => boolean): BarColumns {
    const length = this.#length;
    let matching = 0;
    for (let i = 0; i < length; i++) {
      const series = this.series[i] as SymbolSeries;
      if (series.stockId === undefined) throw new Error(`stock ${series.symbol} has no id yet`);
      this.stockIds[i] = series.stockId;
      if (wanted(series)) matching++;
    }
    const columns = [
      this.stockIds,
      this.times,
      this.open,
      this.high,
      this.low,
      this.close,
      this.volume,
    ] as const;
    if (matching === length) {
      const [stockIds, times, open, high, low, close, volume] = columns.map((column) =>
        column.subarray(0, length),
      );
      return { stockIds, times, open, high, low, close, volume } as BarColumns;
    }
    const stockIds = new Int32Array(matching);
    const [times, open, high, low, close, volume] = [0, 0, 0, 0, 0, 0].map(() => new Float64Array(matching));
    let j = 0;
    for (let i = 0; i < length; i++) {
      if (!wanted(this.series[i] as SymbolSeries)) continue;
      stockIds[j] = this.stockIds[i] as number;
      (times as Float64Array)[j] = this.times[i] as number;
      (open as Float64Array)[j] = this.open[i] as number;
      (high as Float64Array)[j] = this.high[i] as number;
      (low as Float64Array)[j] = this.low[i] as number;
      (close as Float64Array)[j] = this.close[i] as number;
      (volume as Float64Array)[j] = this.volume[i] as number;
      j++;
    }
    return { stockIds, times, open, high, low, close, volume } as BarColumns;
  }
}
