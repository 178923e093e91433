import { type Database, findPendingAlerts, giveUpAlertOfSignal, resolveStaleSending } from "@vpa/db";
import { ALERT_JOB_PRIORITY, alertJobId, type TypedQueue } from "@vpa/runtime";
import { Job } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";

/**
 * The delivery sweeper (docs/delivery.md): the safety net under the alert jobs, run by every alert
 * worker every `intervalMs` (idempotent, so several may run at once).
 * 1. `sending` claims older than `staleSendingMs` → `uncertain` (their worker died mid-send).
 * 2. Every alert still `pending` after `pendingGraceMs` must have a live job: a missing one is
 *    added again, a failed one retried (or the alert marked `gave_up` when its retry budget ran
 *    out), a completed one replaced. So no lost job, stalled-out job or crash takes owed
 *    deliveries with it.
 */
export interface DeliverySweeperOptions {
  readonly db: Kysely<Database>;
  readonly alertsQueue: TypedQueue<"alerts">;
  readonly logger: Logger;
  /** Default 30 s. */
  readonly intervalMs?: number;
  /** Must exceed the longest send a live worker can be in (channel time-outs, shutdown grace). Default 5 min. */
  readonly staleSendingMs?: number;
  /** Pending alerts younger than this are left to their jobs. Default 2 min. */
  readonly pendingGraceMs?: number;
  /** Pending alerts examined per sweep. Default 500. */
  readonly batchSize?: number;
}

export interface SweepResult {
  /** `sending` rows resolved to `uncertain`. */
  readonly resolvedStale: number;
  /** Pending alerts whose job was missing or completed: enqueued again. */
  readonly requeued: number;
  /** Pending alerts whose job had failed: retried. */
  readonly revived: number;
  /** Pending alerts whose job had spent its retry budget: marked gave_up. */
  readonly gaveUp: number;
}

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
/** The start of RetryBudgetExhaustedError's message, as BullMQ keeps it in `failedReason`. */
const BUDGET_EXHAUSTED_PREFIX = "gave up after";

export async function sweepDeliveries(options: DeliverySweeperOptions): Promise<SweepResult> {
  const resolvedStale = await resolveStaleSending(options.db, options.staleSendingMs ?? 5 * 60_000);
  if (resolvedStale > 0) {
    options.logger.warn({ resolvedStale }, "claims left sending by a dead worker marked uncertain");
  }
  const pending = await findPendingAlerts(options.db, {
    olderThanMs: options.pendingGraceMs ?? 2 * 60_000,
    limit: options.batchSize ?? 500,
  });
  const queue = options.alertsQueue.queue;
  let requeued = 0;
  let revived = 0;
  let gaveUp = 0;
  for (const alert of pending) {
    const jobId = alertJobId({ signalId: alert.signalId });
    const state = await queue.getJobState(jobId);
    if (LIVE_STATES.has(state)) continue;
    if (state === "failed") {
      const job = await Job.fromId(queue, jobId);
      if (job?.failedReason?.startsWith(BUDGET_EXHAUSTED_PREFIX) === true) {
        await giveUpAlertOfSignal(options.db, alert.signalId, job.failedReason);
        gaveUp++;
        continue;
      }
      try {
        await job?.retry("failed");
        revived++;
      } catch {
        // Another sweeper revived it first.
      }
      continue;
    }
    if (state === "completed") await queue.remove(jobId).catch(() => 0);
    await options.alertsQueue.add(
      { signalId: alert.signalId },
      { jobId, priority: ALERT_JOB_PRIORITY[alert.priority] },
    );
    requeued++;
  }
  if (requeued + revived + gaveUp > 0) {
    options.logger.warn({ requeued, revived, gaveUp }, "owed alerts without a live job were re-enqueued");
  }
  return { resolvedStale, requeued, revived, gaveUp };
}

export interface DeliverySweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function startDeliverySweeper(options: DeliverySweeperOptions): DeliverySweeper {
  const logger = options.logger.child({ module: "delivery-sweeper" });
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running !== null) return;
    running = sweepDeliveries({ ...options, logger })
      .then(() => undefined)
      .catch((err: unknown) => logger.warn({ err }, "delivery sweep failed; will try again"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
