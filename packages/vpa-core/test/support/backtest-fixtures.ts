/**
 * Hand-made inputs of the backtest's tests: a signal record, a symbol of daily bars, intraday bars
 * by session, and a run with one entry decided at a given bar.
 */
import { expect } from "vitest";
import { type BacktestConfig, resolveBacktestConfig } from "../../src/backtest/backtest-config.ts";
import { type AnalyzedSymbol, createBacktestUniverse } from "../../src/backtest/backtest-universe.ts";
import type { EntryCandidate } from "../../src/backtest/entry-candidates.ts";
import { type Simulation, simulatePortfolio } from "../../src/backtest/portfolio-simulation.ts";
import type { BarColumns } from "../../src/bar.ts";
import type { Exchange } from "../../src/market/exchange.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "../../src/market/holiday-calendar.ts";
import type { SignalType } from "../../src/signal-type.ts";
import type { VpaRecord } from "../../src/vpa-record.ts";

/** A signal record as the analyzer emits it (confidence 0.65, MEDIUM). */
export function signalRecord(
  symbol: string,
  time: string,
  type: SignalType = "SELLING_CLIMAX",
  score = 80,
  bias: "bull" | "bear" = "bull",
): VpaRecord {
  return {
    kind: "signal",
    symbol,
    time,
    type,
    bias,
    score,
    confidence: 0.65,
    priority: "MEDIUM",
    variant: null,
    features: { vr: 2, sr: 2, cl: 0.6, trend: "down" },
    close: 0,
    volume: 0,
    priceChange: 0,
  };
}

/** Daily bars as [date, open, close] in thousand VND; high/low span the two; 1,000,000 shares a day. */
export function dailySymbol(
  symbol: string,
  bars: readonly (readonly [string, number, number])[],
  records: readonly VpaRecord[] = [],
  exchange: Exchange = "HOSE",
): AnalyzedSymbol {
  return {
    symbol,
    exchange,
    records,
    columns: {
      time: bars.map((b) => b[0]),
      open: Float64Array.from(bars, (b) => b[1]),
      high: Float64Array.from(bars, (b) => Math.max(b[1], b[2])),
      low: Float64Array.from(bars, (b) => Math.min(b[1], b[2])),
      close: Float64Array.from(bars, (b) => b[2]),
      volume: Float64Array.from(bars, () => 1_000_000),
    },
  };
}

/** One intraday bar: local time `HH:MM`, open and close (thousand VND), and its volume (default 1,000). */
export type IntradayBarSpec = readonly [clock: string, open: number, close: number, volume?: number];

/** Bars of several sessions as columns, times in bar-time notation (`…T09:15:00+07:00`); high/low span open and close. */
export function intradayColumns(sessions: Readonly<Record<string, readonly IntradayBarSpec[]>>): BarColumns {
  const rows = Object.entries(sessions).flatMap(([date, bars]) =>
    bars.map(
      ([clock, open, close, volume]) => [`${date}T${clock}:00+07:00`, open, close, volume ?? 1_000] as const,
    ),
  );
  return {
    time: rows.map((r) => r[0]),
    open: Float64Array.from(rows, (r) => r[1]),
    high: Float64Array.from(rows, (r) => Math.max(r[1], r[2])),
    low: Float64Array.from(rows, (r) => Math.min(r[1], r[2])),
    close: Float64Array.from(rows, (r) => r[2]),
    volume: Float64Array.from(rows, (r) => r[3]),
  };
}

/**
 * The portfolio run on one symbol's bars with one entry decided at the close of the bar at
 * `signalTime` (the whole equity in one position, no stop and no bear exit unless `config` says).
 */
export function simulateOneEntry(
  symbol: string,
  exchange: Exchange,
  columns: BarColumns,
  signalTime: string,
  config: Partial<BacktestConfig>,
): Simulation {
  const dates = columns.time.map((t) => t.slice(0, 10));
  const universe = createBacktestUniverse([{ symbol, exchange, columns, records: [] }], {
    from: dates[0]!,
    to: dates.at(-1)!,
  });
  const bar = columns.time.indexOf(signalTime);
  expect(bar, `no bar at ${signalTime}`).toBeGreaterThanOrEqual(0);
  const candidate: EntryCandidate = {
    symbolIndex: 0,
    symbol,
    bar,
    day: universe.days.indexOf(signalTime),
    time: signalTime,
    type: "SELLING_CLIMAX",
    score: 80,
    confidence: 1,
  };
  return simulatePortfolio(
    universe,
    resolveBacktestConfig({
      positionFraction: 1,
      maxPositions: 1,
      stopLoss: null,
      exitOnBearSignal: false,
      ...config,
    }),
    [candidate],
    [new Uint8Array(universe.symbols[0]!.endBar)],
    DEFAULT_HOLIDAY_CALENDAR,
  );
}
