import type { Timeframe } from "@vpa/db";
import { JobWaiter } from "@vpa/runtime";
import type { AnalyzeResult } from "@vpa/scanner";
import { scanMarket } from "@vpa/scanner";
import type { AppContext } from "./app-context.ts";

export interface ScanReport {
  readonly symbols: number;
  /** Symbols whose newest bar an earlier scan already analysed (same job id): nothing to redo. */
  readonly alreadyScanned: number;
  readonly missing: string[];
  readonly analyzeFailed: { jobId: string; reason: string }[];
  readonly signalsInWindow: number;
  readonly newSignals: number;
  readonly alertJobs: number;
  readonly alertFailed: { jobId: string; reason: string }[];
  readonly scanSeconds: number;
  readonly alertSeconds: number;
}

export interface ScanAndWaitOptions {
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly lookbackDays?: number;
  /** Redo symbols whose newest bar a completed job already analysed (`vpa scan --force`). */
  readonly force?: boolean;
  readonly timeoutMs: number;
  readonly progress?: (line: string) => void;
}

/**
 * Enqueues a scan and waits until every analyze job, then every alert job it spawned, has finished.
 * The waiters subscribe before anything is enqueued, so no completion can be missed. `timeoutMs`
 * bounds the whole wait (subscribing included), not each step.
 */
export async function scanAndWait(app: AppContext, options: ScanAndWaitOptions): Promise<ScanReport> {
  const deadline = Date.now() + options.timeoutMs;
  const remainingMs = () => Math.max(1, deadline - Date.now());
  const waiters: JobWaiter[] = [];
  try {
    const analyzeWaiter = await JobWaiter.start(app.queue("analyze").queue, app.connection, {
      readyTimeoutMs: remainingMs(),
    });
    waiters.push(analyzeWaiter);
    const alertWaiter = await JobWaiter.start(app.queue("alerts").queue, app.connection, {
      readyTimeoutMs: remainingMs(),
    });
    waiters.push(alertWaiter);
    const started = performance.now();
    const startedAt = Date.now();
    const plan = await scanMarket(app.database.db, app.queue("analyze"), {
      timeframe: options.timeframe,
      symbols: options.symbols,
      lookbackDays: options.lookbackDays,
      force: options.force,
    });
    const analyzed = await analyzeWaiter.wait(plan.jobIds, {
      timeoutMs: remainingMs(),
      onProgress: (done, total) => options.progress?.(`analyzed ${done}/${total} symbols`),
    });
    const scanSeconds = (performance.now() - started) / 1000;
    const analyzeFailed: ScanReport["analyzeFailed"] = [];
    const alertJobIds: string[] = [];
    let signalsInWindow = 0;
    let newSignals = 0;
    let alreadyScanned = 0;
    for (const [jobId, outcome] of analyzed) {
      if (outcome.finishedOn < startedAt) {
        alreadyScanned++;
        continue;
      }
      if (outcome.state === "failed") {
        analyzeFailed.push({ jobId, reason: outcome.failedReason ?? "unknown" });
        continue;
      }
      const result = outcome.returnValue as AnalyzeResult;
      signalsInWindow += result.signals;
      newSignals += result.newSignals;
      alertJobIds.push(...result.alertJobs);
    }
    const alertStarted = performance.now();
    const alerted = await alertWaiter.wait(alertJobIds, {
      timeoutMs: remainingMs(),
      onProgress: (done, total) => options.progress?.(`alerted ${done}/${total} signals`),
    });
    const alertFailed = [...alerted]
      .filter(([, outcome]) => outcome.state === "failed")
      .map(([jobId, outcome]) => ({ jobId, reason: outcome.failedReason ?? "unknown" }));
    return {
      symbols: plan.symbols.length,
      alreadyScanned,
      missing: plan.missing,
      analyzeFailed,
      signalsInWindow,
      newSignals,
      alertJobs: alertJobIds.length,
      alertFailed,
      scanSeconds,
      alertSeconds: (performance.now() - alertStarted) / 1000,
    };
  } finally {
    for (const waiter of waiters) await waiter.close();
  }
}
