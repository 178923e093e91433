/**
 * One OHLCV bar of one symbol.
 *
 * `time` is `YYYY-MM-DD` for daily bars or an ISO-8601 instant with offset for intraday bars
 * (`2024-03-04T09:15:00+07:00`). Within a series times are strictly increasing.
 *
 * The core assumes validated bars (vn-market.md §7 is the importer's job):
 * `low <= min(open, close) <= max(open, close) <= high` and `volume >= 0`. Prices may be in any
 * unit (the shared data uses thousand VND); every signal rule is a ratio or a comparison, so the
 * unit never matters to the analysis.
 *
 * @example
 * const bar: Bar = { time: "2020-03-23", open: 61.5, high: 62.1, low: 57.2, close: 60.9, volume: 3_812_400 };
 */
export interface Bar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * A whole series in columns: the fast input of {@link analyzeColumns} for the backtest and the
 * benchmark. Every column has the same length; index `i` of each column is bar `i`, oldest first.
 *
 * @example
 * const columns: BarColumns = {
 *   time: ["2020-03-20", "2020-03-23"],
 *   open: Float64Array.of(63.0, 61.5), high: Float64Array.of(63.4, 62.1), low: Float64Array.of(61.0, 57.2),
 *   close: Float64Array.of(61.4, 60.9), volume: Float64Array.of(1_204_000, 3_812_400),
 * };
 */
export interface BarColumns {
  readonly time: readonly string[];
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}
