import { analyze, type ConfirmationRecord, type SignalRecord } from "@vpa/core";
import {
  type Database,
  loadRecentBarsOfStocks,
  mostBarsBetween,
  type StockRow,
  type Timeframe,
} from "@vpa/db";
import { type JobPayload, type Metrics, type TypedQueue, unrecoverable } from "@vpa/runtime";
import { UnrecoverableError } from "bullmq";
import type { Kysely } from "kysely";
import { AnalyzeSymbolsFailedError, type SymbolFailure } from "./analyze-symbols-failed-error.ts";
import type { StockDirectory } from "./stock-directory.ts";
import { storeAnalysisRecordsOfStocks } from "./store-analysis-records.ts";
import { UnknownSymbolError } from "./unknown-symbol-error.ts";

export interface AnalyzeDependencies {
  readonly db: Kysely<Database>;
  readonly stocks: StockDirectory;
  readonly alertsQueue: TypedQueue<"alerts">;
  readonly metrics: Metrics;
  /** Bars loaded per analysis (SCAN_LOOKBACK_BARS). */
  readonly lookbackBars: number;
}

export interface AnalyzeResult {
  /** The chunk's symbols that were analysed (all of them: a failure fails the job). */
  readonly symbols: string[];
  /** Bars analysed, summed over the symbols. */
  readonly bars: number;
  /** Signals dated in the symbols' windows, stored by this job or before it. */
  readonly signals: number;
  readonly newSignals: number;
  readonly confirmations: number;
  /** Alert jobs enqueued (one per signal whose alert is owed: new, or pending from an earlier run). */
  readonly alertJobs: string[];
}

interface AnalysedStock {
  readonly stock: StockRow;
  readonly bars: number;
  readonly signals: SignalRecord[];
  readonly confirmations: ConfirmationRecord[];
}

/**
 * One analyze job: a chunk of symbols, each for its newest bar. One query loads every symbol's bars
 * up to its `barTime` (its window and the warm-up before it: {@link barsToRead}) → vpa-core per
 * symbol → the signals dated in each symbol's `[signalsSince, barTime]` stored and their alerts
 * recorded as owed (unless the job says `alert: false`), with one alert `addBulk` for the chunk (storeAnalysisRecordsOfStocks, the idempotent path the live stream shares). Re-running
 * it (a retry, a re-scan) stores nothing twice and alerts nobody twice.
 *
 * Per-symbol isolation: a symbol that cannot be analysed (unknown to the database, or vpa-core
 * throws on its bars) does not stop the others; they are stored and alerted, then the job fails
 * with an AnalyzeSymbolsFailedError naming each failed symbol: without a retry when every failure
 * is unrecoverable (an unknown symbol: no retry imports it), else retried on the job's budget
 * (redoing the stored symbols is harmless). A failure of the shared I/O (PostgreSQL, Redis) fails
 * the whole chunk, which is retried.
 *
 * Window choice: vpa-core needs 40 bars of warm-up and 60 for full confidence; with the default 250
 * bars, the Wilder ATR seed's influence on the newest bar is below (13/14)^190 ≈ 1e-6, so the
 * stored signals match an analysis of the full history (tested in scan.int.test.ts).
 */
export async function analyzeChunk(
  payload: JobPayload<"analyze">,
  deps: AnalyzeDependencies,
): Promise<AnalyzeResult> {
  const failures: SymbolFailure[] = [];
  const errors: unknown[] = [];
  const fail = (symbol: string, error: unknown) => {
    const coded = error as { code?: unknown; name?: unknown; message?: unknown } | null;
    failures.push({
      symbol,
      code: typeof coded?.code === "string" ? coded.code : String(coded?.name ?? "Error"),
      message: typeof coded?.message === "string" ? coded.message : String(error),
    });
    errors.push(error);
  };
  const found: { item: (typeof payload.symbols)[number]; stock: StockRow }[] = [];
  for (const item of payload.symbols) {
    const stock = await deps.stocks.find(item.symbol);
    if (stock === undefined) fail(item.symbol, new UnknownSymbolError(item.symbol));
    else found.push({ item, stock });
  }
  const barsByStock = await loadRecentBarsOfStocks(
    deps.db,
    payload.timeframe,
    found.map(({ item, stock }) => ({ stockId: stock.id, until: item.barTime })),
    barsToRead(
      payload.timeframe,
      found.map(({ item }) => item),
      deps.lookbackBars,
    ),
  );
  const analysed: AnalysedStock[] = [];
  for (const { item, stock } of found) {
    try {
      const bars = barsByStock.get(stock.id) ?? [];
      const since = item.signalsSince ?? item.barTime;
      const signals: SignalRecord[] = [];
      const confirmations: ConfirmationRecord[] = [];
      for (const record of analyze(item.symbol, bars)) {
        if (record.time < since) continue;
        if (record.kind === "signal") signals.push(record);
        else confirmations.push(record);
      }
      analysed.push({ stock, bars: bars.length, signals, confirmations });
    } catch (error) {
      fail(item.symbol, error);
    }
  }
  const stored = await storeAnalysisRecordsOfStocks(deps, {
    timeframe: payload.timeframe,
    stocks: analysed.map((a) => ({
      stockId: a.stock.id,
      signals: a.signals,
      confirmations: a.confirmations,
    })),
    alert: payload.alert,
    scanId: payload.scanId ?? null,
  });
  deps.metrics.symbolsAnalyzed.inc({ outcome: "analysed" }, analysed.length);
  if (failures.length > 0) {
    deps.metrics.symbolsAnalyzed.inc({ outcome: "failed" }, failures.length);
    const error = new AnalyzeSymbolsFailedError(failures, payload.symbols.length, errors[0]);
    throw errors.every((e) => e instanceof UnrecoverableError) ? unrecoverable(error) : error;
  }
  return {
    symbols: analysed.map((a) => a.stock.symbol),
    bars: analysed.reduce((sum, a) => sum + a.bars, 0),
    signals: stored.signals,
    newSignals: stored.newSignals,
    confirmations: stored.confirmations,
    alertJobs: stored.alertJobs,
  };
}

/**
 * Bars to read per symbol: the warm-up (`lookbackBars`) before the first bar whose signals are
 * stored, so a look-back window of any length is analysed whole (a scan's newest bar alone needs
 * `lookbackBars`; `--lookback-days 3650` needs the ten years as well, not the last 250 bars of them).
 */
export function barsToRead(
  timeframe: Timeframe,
  items: readonly { readonly barTime: string; readonly signalsSince?: string | undefined }[],
  lookbackBars: number,
): number {
  let window = 1;
  for (const item of items) {
    const since = item.signalsSince ?? item.barTime;
    window = Math.max(window, mostBarsBetween(timeframe, since, item.barTime));
  }
  return lookbackBars + window - 1;
}
