import type { Database } from "@vpa/db";
import { createWorker, type Metrics, observeWorker, type QueueConnection } from "@vpa/runtime";
import { DelayedError, type Worker } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import { type AlertThrottle, type DeliverResult, deliverAlert } from "./deliver-alert.job.ts";
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
}

export class DeliveriesPendingError extends Error {
  readonly code = "DELIVERIES_PENDING";
  constructor(pending: number) {
    super(`${pending} deliveries failed transiently; retrying the job`);
    this.name = "DeliveriesPendingError";
  }
}

/**
 * The long-lived alert worker. Jobs carry BullMQ priorities (HIGH first). A job whose deliveries
 * were rate-limited is moved back to the delayed set for as long as the provider asked, without
 * spending one of its attempts; one with transient failures is retried with exponential backoff.
 */
export function startAlertWorker(options: AlertWorkerOptions): Worker {
  const logger = options.logger.child({ module: "alert-worker" });
  const pacer = options.pacer ?? new Pacer();
  const worker = createWorker(
    "alerts",
    options.connection,
    async (payload, job, token): Promise<DeliverResult> => {
      const result = await deliverAlert(payload, {
        db: options.db,
        senders: options.senders,
        pacer,
        metrics: options.metrics,
        logger: logger.child({ jobId: job.id }),
        throttle: options.throttle,
      });
      if (result.outcomes.retry + result.outcomes.deferred > 0) {
        // A provider's retry_after or a subscriber's quiet hours: wait that long without spending
        // an attempt. (Quiet hours then also hold back a transient retry of the same job.)
        if (result.retryAfterMs !== null && result.retryAfterMs > 0) {
          await job.moveToDelayed(Date.now() + result.retryAfterMs, token);
          throw new DelayedError();
        }
        throw new DeliveriesPendingError(result.outcomes.retry);
      }
      return result;
    },
    { concurrency: options.concurrency },
  );
  observeWorker(worker, options.metrics, logger);
  return worker;
}
