import type { DigestOutcome, FanOutResult } from "@vpa/alerts";
import type { Timeframe } from "@vpa/db";
import { JobWaiter } from "@vpa/runtime";
import type { AnalyzeResult } from "@vpa/scanner";
import { scanMarket } from "@vpa/scanner";
import type { AppContext } from "./app-context.ts";
import { countOf } from "./count-of.ts";

/** How long `--wait` waits for deliveries after the alerts are fanned out. */
const DELIVERY_WAIT_MS = 60_000;

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
  /** Delivery jobs of the scan's instant alerts and digests. */
  readonly deliveryJobs: number;
  /** Of them, not finished when the wait ended: held for quiet hours, a pause or rate limits; they go out on their own. */
  readonly deliveriesPending: number;
  readonly scanSeconds: number;
  readonly alertSeconds: number;
}

export interface ScanAndWaitOptions {
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly lookbackDays?: number;
  /** Redo symbols whose newest bar a completed job already analysed (`vpa scan --force`). */
  readonly force?: boolean;
  /** false: store the signals and alert nobody (`vpa scan --no-alerts`). Default true. */
  readonly alert?: boolean;
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
    const digestWaiter = await JobWaiter.start(app.queue("digests").queue, app.connection, {
      readyTimeoutMs: remainingMs(),
    });
    waiters.push(digestWaiter);
    const deliveryWaiter = await JobWaiter.start(app.queue("deliveries").queue, app.connection, {
      readyTimeoutMs: remainingMs(),
    });
    waiters.push(deliveryWaiter);
    const started = performance.now();
    const startedAt = Date.now();
    const plan = await scanMarket(app.database.db, app.queue("analyze"), {
      timeframe: options.timeframe,
      symbols: options.symbols,
      lookbackDays: options.lookbackDays,
      force: options.force,
      alert: options.alert,
      digestQueue: app.queue("digests"),
      chunkSize: app.config.scan.analyzeChunkSize,
    });
    const analyzed = await analyzeWaiter.wait(plan.jobIds, {
      timeoutMs: remainingMs(),
      onProgress: (done, total) =>
        options.progress?.(`analyzed ${done}/${total} jobs (${countOf(plan.symbols.length, "symbol")})`),
    });
    const scanSeconds = (performance.now() - started) / 1000;
    const analyzeFailed: ScanReport["analyzeFailed"] = [];
    const alertJobIds: string[] = [];
    let signalsInWindow = 0;
    let newSignals = 0;
    let alreadyScanned = 0;
    for (const [jobId, outcome] of analyzed) {
      if (outcome.finishedOn < startedAt) {
        // Counted in symbols: a job of an older version (one symbol each) has no `symbols`.
        alreadyScanned += (outcome.returnValue as Partial<AnalyzeResult> | null)?.symbols?.length ?? 1;
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
    const deliveryJobIds = [...alerted.values()].flatMap((outcome) =>
      outcome.state === "completed" && outcome.finishedOn >= startedAt
        ? ((outcome.returnValue as FanOutResult | null)?.deliveryJobIds ?? [])
        : [],
    );
    if (plan.digestJobId !== null) {
      const digest = (await digestWaiter.wait([plan.digestJobId], { timeoutMs: remainingMs() })).get(
        plan.digestJobId,
      );
      const built = digest?.returnValue as DigestOutcome | null | undefined;
      if (built?.kind === "built") deliveryJobIds.push(...built.deliveryJobIds);
    }
    // Deliveries held back on purpose (quiet hours, a pause, a provider's wait) must not hold the
    // command: wait a little for them, then report what is still on its way.
    const delivered = await deliveryWaiter.wait(deliveryJobIds, {
      timeoutMs: Math.min(remainingMs(), DELIVERY_WAIT_MS),
      allowUnfinished: true,
      onProgress: (done, total) => options.progress?.(`delivered ${done}/${total} messages`),
    });
    return {
      symbols: plan.symbols.length,
      alreadyScanned,
      missing: plan.missing,
      analyzeFailed,
      signalsInWindow,
      newSignals,
      alertJobs: alertJobIds.length,
      alertFailed,
      deliveryJobs: deliveryJobIds.length,
      deliveriesPending: deliveryJobIds.length - delivered.size,
      scanSeconds,
      alertSeconds: (performance.now() - alertStarted) / 1000,
    };
  } finally {
    for (const waiter of waiters) await waiter.close();
  }
}
