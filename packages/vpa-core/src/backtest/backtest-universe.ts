import { analyzeColumns } from "../analysis/analyze.ts";
import type { BarColumns } from "../bar.ts";
import type { Exchange } from "../market/exchange.ts";
import type { VpaRecord } from "../vpa-record.ts";

/**
 * The input of a backtest for one symbol: its daily bars in columns (prices in **thousand VND**,
 * the data unit; times `YYYY-MM-DD`, strictly increasing) and its exchange (tick sizes and bands).
 * Bars before the period serve as the analyzer's warm-up; give at least 60 of them.
 */
export interface BacktestSymbolInput {
  readonly symbol: string;
  readonly exchange: Exchange;
  readonly columns: BarColumns;
}

/** A symbol with the analyzer's records over all its bars (the same `analyzeColumns` the scanner uses). */
export interface AnalyzedSymbol extends BacktestSymbolInput {
  readonly records: readonly VpaRecord[];
}

/**
 * Runs the analyzer on one symbol: the expensive, configuration-independent part of a backtest,
 * so that a sweep analyses once and trades many times.
 */
export function analyzeBacktestSymbol(input: BacktestSymbolInput): AnalyzedSymbol {
  return { ...input, records: analyzeColumns(input.symbol, input.columns) };
}

/** One symbol placed on the run's calendar. */
export interface UniverseSymbol extends AnalyzedSymbol {
  /** Index in `BacktestUniverse.symbols`. */
  readonly index: number;
  /** Bar index → day index on the calendar; -1 for warm-up bars before the period. */
  readonly dayOf: Int32Array;
  /** First bar inside the period (== bar count when none is). */
  readonly firstBar: number;
  /** One past the last bar inside the period. */
  readonly endBar: number;
}

/**
 * The symbols of a run on one calendar. The calendar is every date on which at least one symbol
 * has a bar inside [from, to]: for a market-wide universe that is the exchange's trading calendar
 * (no bars on holidays), which is what T+2 and holding days count in.
 */
export interface BacktestUniverse {
  readonly from: string;
  readonly to: string;
  readonly days: readonly string[];
  readonly symbols: readonly UniverseSymbol[];
  readonly barsInPeriod: number;
  readonly barsTotal: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An intraday bar time: a local date and time with an offset (bar-time notation). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$/;

/** `YYYY-MM-DD` → yyyymmdd as an integer, from char codes (no allocation). */
function dateKey(date: string): number {
  if (date.length !== 10) return -1;
  let key = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    key = key * 10 + (date.charCodeAt(i) - 48);
  }
  return key;
}

/**
 * Places analysed symbols on the calendar of [from, to] (both `YYYY-MM-DD`, inclusive).
 *
 * Daily bars (`YYYY-MM-DD`) make one step per session. Intraday bars (ISO instants, e.g.
 * `2023-11-20T10:07:00+07:00`, all of one timeframe) make one step per bar time, every bar of
 * the period's dates included; the rules are the same per step (vpa-core backtest README,
 * "Intraday runs"). A universe is all daily or all intraday.
 *
 * @throws RangeError for period dates that are not `YYYY-MM-DD`, bar times of neither kind, a
 *   mix of both, or an empty period.
 */
export function createBacktestUniverse(
  analyzed: readonly AnalyzedSymbol[],
  period: { readonly from: string; readonly to: string },
): BacktestUniverse {
  if (!DATE.test(period.from) || !DATE.test(period.to) || period.to < period.from) {
    throw new RangeError(
      `backtest period must be YYYY-MM-DD .. YYYY-MM-DD, got ${period.from} .. ${period.to}`,
    );
  }
  const firstTime = analyzed.find((symbol) => symbol.columns.time.length > 0)?.columns.time[0];
  if (firstTime !== undefined && INSTANT.test(firstTime)) return createIntradayUniverse(analyzed, period);
  const fromKey = dateKey(period.from);
  const toKey = dateKey(period.to);
  // Presence per yyyymmdd key inside the period: a dense array replaces a Set of 3M strings.
  const span = toKey - fromKey + 1;
  const present = new Uint8Array(span);
  const ranges: { first: number; end: number; keys: Int32Array }[] = [];
  let barsTotal = 0;
  let barsInPeriod = 0;
  for (const symbol of analyzed) {
    const time = symbol.columns.time;
    for (const edge of [time[0], time.at(-1)]) {
      if (edge !== undefined && !DATE.test(edge))
        throw new RangeError(`${symbol.symbol}: bar time ${edge} is not YYYY-MM-DD (daily bars only)`);
    }
    let first = time.length;
    let end = time.length;
    const keys = new Int32Array(time.length);
    for (let i = 0; i < time.length; i++) {
      const key = dateKey(time[i]!);
      keys[i] = key;
      if (key < 0)
        throw new RangeError(`${symbol.symbol}: bar time ${time[i]} is not YYYY-MM-DD (daily bars only)`);
      if (key < fromKey) continue;
      if (key > toKey) {
        end = i;
        break;
      }
      if (first === time.length) first = i;
      present[key - fromKey] = 1;
    }
    if (first > end) first = end;
    ranges.push({ first, end, keys });
    barsTotal += end;
    barsInPeriod += end - first;
  }
  const dayOfKey = new Int32Array(span).fill(-1);
  const days: string[] = [];
  for (let k = 0; k < span; k++) {
    if (present[k] === 0) continue;
    dayOfKey[k] = days.length;
    days.push("");
  }
  const symbols: UniverseSymbol[] = analyzed.map((symbol, index) => {
    const { first, end, keys } = ranges[index]!;
    const time = symbol.columns.time;
    const dayOf = new Int32Array(end).fill(-1);
    for (let i = first; i < end; i++) {
      const day = dayOfKey[keys[i]! - fromKey]!;
      dayOf[i] = day;
      if (days[day] === "") days[day] = time[i]!;
    }
    return { ...symbol, index, dayOf, firstBar: first, endBar: end };
  });
  return { from: period.from, to: period.to, days, symbols, barsInPeriod, barsTotal };
}

/**
 * The intraday case of {@link createBacktestUniverse}: steps are the distinct bar times (as
 * instants) of every symbol whose date is in [from, to]; bars before `from` are warm-up.
 */
function createIntradayUniverse(
  analyzed: readonly AnalyzedSymbol[],
  period: { readonly from: string; readonly to: string },
): BacktestUniverse {
  const ranges: { first: number; end: number; instants: Float64Array }[] = [];
  const inPeriod = new Map<number, string>();
  let barsTotal = 0;
  let barsInPeriod = 0;
  for (const symbol of analyzed) {
    const time = symbol.columns.time;
    const instants = new Float64Array(time.length);
    let first = time.length;
    let end = time.length;
    for (let i = 0; i < time.length; i++) {
      const text = time[i]!;
      if (!INSTANT.test(text))
        throw new RangeError(
          `${symbol.symbol}: bar time ${text} is not an intraday bar time (a universe is all daily or all intraday)`,
        );
      const instant = Date.parse(text);
      instants[i] = instant;
      const date = text.slice(0, 10);
      if (date < period.from) continue;
      if (date > period.to) {
        end = i;
        break;
      }
      if (first === time.length) first = i;
      if (!inPeriod.has(instant)) inPeriod.set(instant, text);
    }
    if (first > end) first = end;
    ranges.push({ first, end, instants });
    barsTotal += end;
    barsInPeriod += end - first;
  }
  const steps = [...inPeriod.keys()].sort((a, b) => a - b);
  const stepOf = new Map(steps.map((instant, index) => [instant, index]));
  const days = steps.map((instant) => inPeriod.get(instant)!);
  const symbols: UniverseSymbol[] = analyzed.map((symbol, index) => {
    const { first, end, instants } = ranges[index]!;
    const dayOf = new Int32Array(end).fill(-1);
    for (let i = first; i < end; i++) dayOf[i] = stepOf.get(instants[i]!)!;
    return { ...symbol, index, dayOf, firstBar: first, endBar: end };
  });
  return { from: period.from, to: period.to, days, symbols, barsInPeriod, barsTotal };
}
