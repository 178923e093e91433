import { type Database, giveUpAlertOfSignal } from "@vpa/db";
import {
  createWorker,
  type Metrics,
  observeWorker,
  type QueueConnection,
  RetryBudgetExhaustedError,
  unrecoverable,
} from "@vpa/runtime";
import { DelayedError, type Worker } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import {
  type AlertThrottle,
  type DeliverResult,
  deliverAlert,
  SignalNotFoundError,
} from "./deliver-alert.job.ts";
import { Pacer } from "./pacer.ts";

export interface AlertWorkerOptions {
  readonly db: Kysely<Database>;
  readonly connection: QueueConnection;
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly throttle: AlertThrottle;
  readonly pacer?: Pacer;
  /** The clock every time rule reads (tests). Default Date.now. */
  readonly now?: () => number;
  /**
   * After `close()` starts, sends still in flight get this long to finish before they are
   * aborted (and recorded `retry` or `uncertain`, never left `sending`). Keep it below
   * SHUTDOWN_TIMEOUT_MS. Default 3,000 ms.
   */
  readonly sendGraceMs?: number;
}

/** Some deliveries of the job could not be settled this time; the job is tried again. */
export class DeliveriesPendingError extends Error {
  readonly code = "DELIVERIES_PENDING";
  constructor(pending: number, errors: readonly string[]) {
    const why = errors.length === 0 ? "" : `: ${errors.join("; ")}`;
    super(`${pending} ${pending === 1 ? "delivery" : "deliveries"} not delivered yet${why}`);
    this.name = "DeliveriesPendingError";
  }
}

/** How soon a job whose deliveries were released by a shutdown is picked up again (by another worker). */
const RELEASED_JOB_DELAY_MS = 100;

/**
 * The long-lived alert worker. Jobs carry BullMQ priorities (HIGH first). A job whose deliveries
 * were rate-limited or deferred by quiet hours is moved back to the delayed set for as long as
 * asked, without spending an attempt; one with transient failures is retried with backoff on the
 * retry budget. When the worker closes it stops claiming at once, lets sends in flight finish for
 * `sendGraceMs`, aborts the rest, and hands the job back (docs/delivery.md: nothing left `sending`).
 */
export function startAlertWorker(options: AlertWorkerOptions): Worker {
  const logger = options.logger.child({ module: "alert-worker" });
  const pacer = options.pacer ?? new Pacer();
  const stopClaiming = new AbortController();
  const abortSends = new AbortController();
  const worker = createWorker(
    "alerts",
    options.connection,
    async (payload, job, token): Promise<DeliverResult> => {
      let result: DeliverResult;
      try {
        result = await deliverAlert(
          payload,
          {
            db: options.db,
            senders: options.senders,
            pacer,
            metrics: options.metrics,
            logger: logger.child({ jobId: job.id }),
            throttle: options.throttle,
            sendSignal: abortSends.signal,
            ...(options.now === undefined ? {} : { now: options.now }),
          },
          stopClaiming.signal,
        );
      } catch (error) {
        if (error instanceof SignalNotFoundError) throw unrecoverable(error);
        throw error;
      }
      const { retry, deferred, released } = result.outcomes;
      if (retry + deferred + released === 0) return result;
      // A provider's retry_after, quiet hours, or a shutdown: wait without spending an attempt.
      const waitMs =
        result.retryAfterMs !== null && result.retryAfterMs > 0
          ? result.retryAfterMs
          : released > 0 && retry === 0
            ? RELEASED_JOB_DELAY_MS
            : null;
      if (waitMs !== null) {
        await job.moveToDelayed(Date.now() + waitMs, token);
        throw new DelayedError();
      }
      throw new DeliveriesPendingError(retry, result.errors);
    },
    { concurrency: options.concurrency },
  );
  worker.on("closing", () => {
    stopClaiming.abort(new Error("the alert worker is shutting down"));
    setTimeout(
      () => abortSends.abort(new Error("the alert worker is shutting down")),
      options.sendGraceMs ?? 3_000,
    ).unref();
  });
  worker.on("failed", (job, error) => {
    // The retry budget ran out: the alert is given up (its owed deliveries stay `retry`, and
    // `vpa alerts retry` owes them again). If this write fails, the sweeper makes it.
    if (job === undefined || !(error instanceof RetryBudgetExhaustedError)) return;
    const signalId = (job.data as { signalId?: unknown }).signalId;
    if (typeof signalId !== "number") return;
    giveUpAlertOfSignal(options.db, signalId, error.message).catch((err: unknown) =>
      logger.warn({ err, signalId }, "could not mark the alert given up; the sweeper will"),
    );
  });
  observeWorker(worker, options.metrics, logger);
  return worker;
}
