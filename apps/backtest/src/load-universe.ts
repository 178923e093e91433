import { type AnalyzedSymbol, analyzeBacktestSymbol, type market } from "@vpa/core";
import { type Database, listBacktestSymbols, loadBacktestBars } from "@vpa/db";
import type { Kysely } from "kysely";
import { type RunConfig, VN30_SYMBOLS } from "./backtest-job-config.ts";

/**
 * Calendar days of bars loaded before `from`: about 270 sessions, the scanner's 250-bar window
 * and then some, so that a signal on the first day of the period reads the same as the scanner's.
 */
export const WARM_UP_CALENDAR_DAYS = 400;

/** Bars per HOSE session of each intraday timeframe (255 trading minutes, the lunch break cut). */
const BARS_PER_SESSION: Readonly<Record<string, number>> = {
  "1m": 255,
  "5m": 51,
  "15m": 18,
  "30m": 9,
  "1h": 6,
};

/**
 * Calendar days of warm-up for the run's timeframe: {@link WARM_UP_CALENDAR_DAYS} for daily bars;
 * for intraday bars, enough days for about 300 bars (the scanner's window and then some), counted
 * as sessions with weekends and a week of holidays around them, and at least 3 days.
 */
export function warmUpCalendarDays(timeframe: string): number {
  const perSession = BARS_PER_SESSION[timeframe];
  if (perSession === undefined) return WARM_UP_CALENDAR_DAYS;
  return Math.max(3, Math.ceil(((300 / perSession) * 7) / 5) + 7);
}

/** Symbols per database round trip while loading (and a progress/cancellation checkpoint). */
const LOAD_BATCH = 100;
/** Symbols analysed between two checkpoints. */
const ANALYZE_BATCH = 100;

export interface LoadedUniverse {
  readonly analyzed: AnalyzedSymbol[];
  /** Requested symbols with no bars in the range. */
  readonly missing: string[];
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Loads the run's bars (with warm-up) and analyses each symbol, calling `checkpoint(fraction)`
 * between batches; `checkpoint` returns false to stop (cancellation), and then this returns null.
 * A stock without a known exchange is traded with HOSE's ticks and band (the majority; noted in the README).
 */
export async function loadAndAnalyzeUniverse(
  db: Kysely<Database>,
  config: RunConfig,
  checkpoint: (fraction: number) => Promise<boolean>,
): Promise<LoadedUniverse | null> {
  const requested =
    config.symbols === "ALL" ? null : config.symbols === "VN30" ? [...VN30_SYMBOLS] : [...config.symbols];
  const available = await listBacktestSymbols(db, requested, config.timeframe);
  const from = daysBefore(config.from, warmUpCalendarDays(config.timeframe));
  const analyzed: AnalyzedSymbol[] = [];
  const found = new Set<string>();
  const total = available.length;
  for (let start = 0; start < total; start += LOAD_BATCH) {
    const batch = available.slice(start, start + LOAD_BATCH);
    const rows = await loadBacktestBars(db, {
      symbols: batch.map((s) => s.symbol),
      timeframe: config.timeframe,
      from,
      to: config.to,
    });
    if (!(await checkpoint((0.6 * Math.min(total, start + LOAD_BATCH)) / Math.max(1, total)))) return null;
    for (let i = 0; i < rows.length; i += ANALYZE_BATCH) {
      for (const row of rows.slice(i, i + ANALYZE_BATCH)) {
        found.add(row.symbol);
        const exchange: market.Exchange = row.exchange ?? "HOSE";
        analyzed.push(
          analyzeBacktestSymbol({
            symbol: row.symbol,
            exchange,
            columns: {
              time: row.time,
              open: Float64Array.from(row.open),
              high: Float64Array.from(row.high),
              low: Float64Array.from(row.low),
              close: Float64Array.from(row.close),
              volume: Float64Array.from(row.volume),
            },
          }),
        );
      }
    }
    if (!(await checkpoint((0.9 * Math.min(total, start + LOAD_BATCH)) / Math.max(1, total)))) return null;
  }
  const missing = (requested ?? []).filter((s) => !found.has(s));
  return { analyzed, missing };
}
