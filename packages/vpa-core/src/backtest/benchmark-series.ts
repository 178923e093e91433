import type { BacktestUniverse } from "./backtest-universe.ts";

/** An index (VNINDEX, VN30...) to compare the run with: closes by date (`YYYY-MM-DD`, increasing); any unit. */
export interface IndexSeries {
  /** The index's symbol, e.g. `VN30`. */
  readonly name: string;
  readonly time: readonly string[];
  readonly close: ArrayLike<number>;
}

/**
 * Whether an index can be compared with a run: it **covers** the run when it has a close on or
 * before the first session and on or after the last one. An index that covers only part of the
 * run is not compared at all (a benchmark over part of the period would mislead); the report says
 * which dates it has.
 */
export interface IndexCoverage {
  readonly name: string;
  /** The index's first and last date (null when it has no bar). */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly covers: boolean;
}

/** {@link IndexCoverage} of `index` over the run's sessions `days`. */
export function indexCoverage(days: readonly string[], index: IndexSeries): IndexCoverage {
  const firstDate = index.time[0] ?? null;
  const lastDate = index.time.at(-1) ?? null;
  const first = days[0];
  const last = days.at(-1);
  const covers =
    firstDate !== null &&
    lastDate !== null &&
    first !== undefined &&
    last !== undefined &&
    firstDate <= first &&
    lastDate >= last;
  return { name: index.name, firstDate, lastDate, covers };
}

/**
 * Equal-weight buy-and-hold of the universe, in VND: `capital / N` goes into each of the N symbols
 * that have a bar in the period, at its first close in the period, and is held to the end (no
 * costs, no rebalancing). A symbol that starts trading later holds its share in cash until its
 * first close; a symbol whose bars end keeps its last close.
 *
 * Computed in O(bars): each bar adds its change of `close / firstClose` to that session's total.
 */
export function equalWeightBenchmark(universe: BacktestUniverse, capital: number): Float64Array {
  const dayCount = universe.days.length;
  const change = new Float64Array(dayCount);
  let holdings = 0;
  for (const symbol of universe.symbols) {
    if (symbol.firstBar >= symbol.endBar) continue;
    const close = symbol.columns.close;
    const base = close[symbol.firstBar]!;
    if (!(base > 0)) continue;
    holdings++;
    let previous = 1;
    for (let bar = symbol.firstBar + 1; bar < symbol.endBar; bar++) {
      const ratio = close[bar]! / base;
      change[symbol.dayOf[bar]!]! += ratio - previous;
      previous = ratio;
    }
  }
  const value = new Float64Array(dayCount);
  let sum = holdings;
  for (let day = 0; day < dayCount; day++) {
    sum += change[day]!;
    value[day] = holdings === 0 ? capital : (capital * sum) / holdings;
  }
  return value;
}

/**
 * An index on the run's sessions, scaled to `capital` at the first session (the index's last close
 * at or before each date; null until the index has a value).
 */
export function alignIndexSeries(
  days: readonly string[],
  index: IndexSeries,
  capital: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  let j = -1;
  let base: number | null = null;
  for (const day of days) {
    while (j + 1 < index.time.length && index.time[j + 1]! <= day) j++;
    if (j < 0) {
      out.push(null);
      continue;
    }
    const close = index.close[j]!;
    base ??= close;
    out.push(base > 0 ? (capital * close) / base : null);
  }
  return out;
}
