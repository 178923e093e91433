import {
  type Database,
  findOwedDeliveries,
  findPendingAlerts,
  findWaitingScans,
  giveUpAlertOfSignal,
  markDeliveryUnsent,
  resolveStaleSending,
} from "@vpa/db";
import {
  ALERT_JOB_PRIORITY,
  alertJobId,
  DELIVERY_JOB_PRIORITY,
  deliveryJobId,
  digestJobId,
  type QueueName,
  type TypedQueue,
} from "@vpa/runtime";
import { Job } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";

/**
 * The delivery sweeper (docs/delivery.md): the safety net under the jobs, run by every alert
 * worker every `intervalMs` (idempotent, so several may run at once).
 * 1. `sending` claims older than `staleSendingMs` → `uncertain` (their worker died mid-send).
 * 2. Everything owed has a live job: a pending alert (its fan-out), an owed delivery (queued or
 *    retry), a scan whose digests are not built. A missing job is added again, a failed one
 *    retried (or, when its retry budget ran out, the alert marked `gave_up` / the delivery
 *    `failed` with the reason), a completed one replaced. So no lost enqueue (Redis losing its
 *    last second), stalled-out job or crash takes owed work with it.
 */
export interface DeliverySweeperOptions {
  readonly db: Kysely<Database>;
  readonly alertsQueue: TypedQueue<"alerts">;
  readonly deliveriesQueue: TypedQueue<"deliveries">;
  readonly digestsQueue: TypedQueue<"digests">;
  readonly logger: Logger;
  /** Default 30 s. */
  readonly intervalMs?: number;
  /** Must exceed the longest send a live worker can be in (channel time-outs, shutdown grace). Default 5 min. */
  readonly staleSendingMs?: number;
  /** Owed work younger than this is left to its jobs. Default 2 min. */
  readonly graceMs?: number;
  /** Items examined per kind per sweep. Default 500. */
  readonly batchSize?: number;
}

export interface SweepResult {
  /** `sending` rows resolved to `uncertain`. */
  readonly resolvedStale: number;
  /** Owed work whose job was missing or completed: enqueued again. */
  readonly requeued: number;
  /** Owed work whose job had failed: retried. */
  readonly revived: number;
  /** Owed work whose job had spent its retry budget: given up (alert) or failed (delivery). */
  readonly gaveUp: number;
}

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
/** The start of RetryBudgetExhaustedError's message, as BullMQ keeps it in `failedReason`. */
const BUDGET_EXHAUSTED_PREFIX = "gave up after";

type Verdict = "live" | "requeued" | "revived" | "gave-up";

/** Makes sure one piece of owed work has a live job. */
async function ensureLiveJob<Q extends QueueName>(
  queue: TypedQueue<Q>,
  jobId: string,
  add: () => Promise<unknown>,
  giveUp: (reason: string) => Promise<void>,
): Promise<Verdict> {
  const state = await queue.queue.getJobState(jobId);
  if (LIVE_STATES.has(state)) return "live";
  if (state === "failed") {
    const job = await Job.fromId(queue.queue, jobId);
    if (job?.failedReason?.startsWith(BUDGET_EXHAUSTED_PREFIX) === true) {
      await giveUp(job.failedReason);
      return "gave-up";
    }
    try {
      await job?.retry("failed");
    } catch {
      // Another sweeper revived it first.
    }
    return "revived";
  }
  if (state === "completed") await queue.queue.remove(jobId).catch(() => 0);
  await add();
  return "requeued";
}

/** What one sweeper carries from one sweep to the next. */
export interface SweepCursor {
  /** Where the walk over owed deliveries stopped: the next sweep goes on from there. */
  deliveryId: number;
}

export async function sweepDeliveries(
  options: DeliverySweeperOptions,
  cursor: SweepCursor = { deliveryId: 0 },
): Promise<SweepResult> {
  const graceMs = options.graceMs ?? 2 * 60_000;
  const limit = options.batchSize ?? 500;
  const counts = { requeued: 0, revived: 0, gaveUp: 0 };
  const tally = (verdict: Verdict) => {
    if (verdict === "requeued") counts.requeued++;
    else if (verdict === "revived") counts.revived++;
    else if (verdict === "gave-up") counts.gaveUp++;
  };

  const resolvedStale = await resolveStaleSending(options.db, options.staleSendingMs ?? 5 * 60_000);
  if (resolvedStale > 0) {
    options.logger.warn({ resolvedStale }, "claims left sending by a dead worker marked uncertain");
  }

  for (const alert of await findPendingAlerts(options.db, { olderThanMs: graceMs, limit })) {
    const jobId = alertJobId({ signalId: alert.signalId });
    tally(
      await ensureLiveJob(
        options.alertsQueue,
        jobId,
        () =>
          options.alertsQueue.add(
            { signalId: alert.signalId },
            { jobId, priority: ALERT_JOB_PRIORITY[alert.priority] },
          ),
        (reason) => giveUpAlertOfSignal(options.db, alert.signalId, reason),
      ),
    );
  }

  const owed = await findOwedDeliveries(options.db, {
    afterId: cursor.deliveryId,
    olderThanMs: graceMs,
    limit,
  });
  cursor.deliveryId = owed.length < limit ? 0 : (owed.at(-1)?.id ?? 0);
  for (const delivery of owed) {
    const jobId = deliveryJobId({ deliveryId: delivery.id });
    tally(
      await ensureLiveJob(
        options.deliveriesQueue,
        jobId,
        () =>
          options.deliveriesQueue.add(
            { deliveryId: delivery.id },
            { jobId, priority: DELIVERY_JOB_PRIORITY[delivery.priority] },
          ),
        (reason) => markDeliveryUnsent(options.db, delivery.id, "failed", reason),
      ),
    );
  }

  for (const scanId of await findWaitingScans(options.db, { olderThanMs: graceMs, limit })) {
    const jobId = digestJobId({ scanId });
    tally(
      await ensureLiveJob(
        options.digestsQueue,
        jobId,
        () => options.digestsQueue.add({ scanId }, { jobId }),
        async () => {
          // A digest job that gave up is retried by the next sweep's add; nothing to record.
        },
      ),
    );
  }

  if (counts.requeued + counts.revived + counts.gaveUp > 0) {
    options.logger.warn(counts, "owed work without a live job was re-enqueued");
  }
  return { resolvedStale, ...counts };
}

export interface DeliverySweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function startDeliverySweeper(options: DeliverySweeperOptions): DeliverySweeper {
  const logger = options.logger.child({ module: "delivery-sweeper" });
  let running: Promise<void> | null = null;
  const cursor: SweepCursor = { deliveryId: 0 };
  const tick = () => {
    if (running !== null) return;
    running = sweepDeliveries({ ...options, logger }, cursor)
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
