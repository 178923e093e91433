import type { Bar, BarColumns } from "../bar.ts";
import type { VpaRecord } from "../vpa-record.ts";
import { VpaEngine } from "./vpa-engine.ts";

/**
 * Batch analysis of a whole series (vpa-signals.md §2–§6): every record in time order. At one
 * bar, the confirmations of the previous bar's signals come before the bar's own signals (bull,
 * then bear) — the same order {@link createStreamingAnalyzer} returns.
 *
 * Bars must be validated (vn-market.md §7): strictly increasing `time`, `low <= open, close <= high`.
 *
 * @example
 * const records = analyze("VCB", bars);
 * const signals = records.filter((r) => r.kind === "signal");
 * // {"kind":"signal","symbol":"VCB","time":"2020-03-23","type":"SELLING_CLIMAX",...}
 */
export function analyze(symbol: string, bars: readonly Bar[]): VpaRecord[] {
  const engine = new VpaEngine(symbol);
  const out: VpaRecord[] = [];
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    engine.step(bar.time, bar.high, bar.low, bar.close, bar.volume, out);
  }
  return out;
}

/**
 * Batch analysis of a series held in columns: the fast path for the backtest and the benchmark
 * (no per-bar object; only emitted records are allocated). Same records as {@link analyze}.
 *
 * @example
 * const records = analyzeColumns("FPT", {
 *   time: dates, open: Float64Array.from(opens), high: Float64Array.from(highs),
 *   low: Float64Array.from(lows), close: Float64Array.from(closes), volume: Float64Array.from(volumes),
 * });
 * @throws RangeError when the columns have different lengths.
 */
export function analyzeColumns(symbol: string, columns: BarColumns): VpaRecord[] {
  const { time, high, low, close, volume } = columns;
  const length = time.length;
  if (
    columns.open.length !== length ||
    high.length !== length ||
    low.length !== length ||
    close.length !== length ||
    volume.length !== length
  ) {
    throw new RangeError(
      `analyzeColumns(${symbol}): columns differ in length (time ${length}, open ${columns.open.length}, high ${high.length}, low ${low.length}, close ${close.length}, volume ${volume.length})`,
    );
  }
  const engine = new VpaEngine(symbol);
  const out: VpaRecord[] = [];
  for (let i = 0; i < length; i++) {
    engine.step(time[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, out);
  }
  return out;
}
