import { analyze, type ConfirmationRecord, type SignalRecord } from "@vpa/core";
import { type Database, loadRecentBars } from "@vpa/db";
import type { JobPayload, Metrics, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { StockDirectory } from "./stock-directory.ts";
import { storeAnalysisRecords } from "./store-analysis-records.ts";
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
  readonly symbol: string;
  readonly barTime: string;
  readonly bars: number;
  /** Signals dated in the job's window, stored by this job or before it. */
  readonly signals: number;
  readonly newSignals: number;
  readonly confirmations: number;
  /** Alert jobs enqueued (one per signal whose alert is owed: new, or pending from an earlier run). */
  readonly alertJobs: string[];
}

/**
 * One analyze job: load the symbol's last bars up to `barTime` → vpa-core → store the signals
 * dated in `[signalsSince, barTime]` and record their alerts as owed, enqueueing an alert job for
 * each alert still pending (storeAnalysisRecords, the path the live stream shares). Re-running it (a retry, a re-scan) stores nothing twice and
 * alerts nobody twice (a delivered alert is `done`; the alert jobs' ledger dedupes the rest).
 *
 * Window choice: vpa-core needs 40 bars of warm-up and 60 for full confidence; with the default 250
 * bars, the Wilder ATR seed's influence on the newest bar is below (13/14)^190 ≈ 1e-6, so the
 * stored signals match an analysis of the full history (tested in scan.int.test.ts).
 */
export async function analyzeSymbol(
  payload: JobPayload<"analyze">,
  deps: AnalyzeDependencies,
): Promise<AnalyzeResult> {
  const stock = await deps.stocks.find(payload.symbol);
  if (stock === undefined) throw new UnknownSymbolError(payload.symbol);
  const bars = await loadRecentBars(deps.db, {
    stockId: stock.id,
    timeframe: payload.timeframe,
    until: payload.barTime,
    limit: deps.lookbackBars,
  });
  const since = payload.signalsSince ?? payload.barTime;
  const signals: SignalRecord[] = [];
  const confirmations: ConfirmationRecord[] = [];
  for (const record of analyze(payload.symbol, bars)) {
    if (record.time < since) continue;
    if (record.kind === "signal") signals.push(record);
    else confirmations.push(record);
  }
  const stored = await storeAnalysisRecords(deps, {
    stockId: stock.id,
    timeframe: payload.timeframe,
    signals,
    confirmations,
    alert: payload.alert,
    scanId: payload.scanId ?? null,
  });
  return {
    symbol: payload.symbol,
    barTime: payload.barTime,
    bars: bars.length,
    signals: stored.signals,
    newSignals: stored.newSignals,
    confirmations: stored.confirmations,
    alertJobs: stored.alertJobs,
  };
}
