import { analyze, type ConfirmationRecord, type SignalRecord } from "@vpa/core";
import {
  createPendingAlerts,
  type Database,
  insertConfirmations,
  insertSignals,
  loadRecentBars,
} from "@vpa/db";
import { ALERT_JOB_PRIORITY, alertJobId, type JobPayload, type Metrics, type TypedQueue } from "@vpa/runtime";
import { UnrecoverableError } from "bullmq";
import type { Kysely } from "kysely";
import type { StockDirectory } from "./stock-directory.ts";

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
 * dated in `[signalsSince, barTime]` (idempotent) → record their alerts as owed and enqueue an alert
 * job for each alert still pending. Re-running it (a retry, a re-scan) stores nothing twice and
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
  if (stock === undefined)
    throw new UnrecoverableError(`unknown symbol ${payload.symbol}: import its bars first`);
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
  const stored = await insertSignals(deps.db, stock.id, payload.timeframe, signals);
  const confirmed = await insertConfirmations(deps.db, stock.id, payload.timeframe, confirmations);
  const byKey = new Map(signals.map((s) => [`${s.time}|${s.type}`, s]));
  let newSignals = 0;
  for (const row of stored) {
    if (!row.inserted) continue;
    newSignals++;
    const record = byKey.get(`${row.time}|${row.type}`);
    if (record !== undefined) deps.metrics.signalsGenerated.inc({ type: record.type, bias: record.bias });
  }
  const alertJobs: string[] = [];
  if (payload.alert) {
    // The alerts are owed from here on (pending, in PostgreSQL) before any job exists: if the
    // enqueue below is lost, a retry of this job or the alert sweeper enqueues them again.
    const owed = await createPendingAlerts(
      deps.db,
      stored.map((row) => ({
        signalId: row.id,
        priority: byKey.get(`${row.time}|${row.type}`)?.priority ?? "LOW",
      })),
      payload.scanId ?? null,
    );
    const jobs = owed.map((alert) => {
      const jobId = alertJobId({ signalId: alert.signalId });
      alertJobs.push(jobId);
      return { payload: { signalId: alert.signalId }, jobId, priority: ALERT_JOB_PRIORITY[alert.priority] };
    });
    if (jobs.length > 0) await deps.alertsQueue.addBulk(jobs);
  }
  return {
    symbol: payload.symbol,
    barTime: payload.barTime,
    bars: bars.length,
    signals: stored.length,
    newSignals,
    confirmations: confirmed,
    alertJobs,
  };
}
