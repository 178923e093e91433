import { type Database, markDeliveryUnsent, type SignalView } from "@vpa/db";
import {
  createQueue,
  createWorker,
  type Metrics,
  observeWorker,
  type QueueConnection,
  RedisRateLimiter,
  RetryBudgetExhaustedError,
  unrecoverable,
} from "@vpa/runtime";
import { DelayedError, type Worker } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { buildDigests } from "./build-digests.job.ts";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import { channelPacing } from "./channels/channel-registry.ts";
import { createAlertCharts } from "./chart/alert-charts.ts";
import { RedisChartCache } from "./chart/redis-chart-cache.ts";
import { type AlertThrottle, type DeliveryRateLimiter, deliver, type SendOutcome } from "./deliver.job.ts";
import { createDeliveryLedger } from "./delivery-ledger.ts";
import { type DeliverySweeper, startDeliverySweeper } from "./delivery-sweeper.ts";
import { createEvidenceLookup } from "./evidence/evidence-lookup.ts";
import { createAlertFanOut, SignalNotFoundError } from "./fan-out-alert.job.ts";
import type { DigestLanguage } from "./render/render-digest.ts";

export interface AlertWorkerOptions {
  readonly db: Kysely<Database>;
  readonly connection: QueueConnection;
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Delivery jobs in flight per process (ALERT_CONCURRENCY). */
  readonly concurrency: number;
  readonly throttle: AlertThrottle;
  /** A subscriber's language when they chose none (ALERT_LANGUAGE). Default `vi`. */
  readonly defaultLanguage?: DigestLanguage;
  /** Emails a second to the SMTP server, shared by every worker (EMAIL_MAX_PER_SECOND). Default 5. */
  readonly emailPerSecond?: number;
  /** The shared rate limiter; default one on the connection's Redis and prefix. */
  readonly limiter?: DeliveryRateLimiter;
  /** The clock every time rule reads (tests). Default Date.now. */
  readonly now?: () => number;
  /**
   * After `close()` starts, sends still in flight get this long to finish before they are
   * aborted (and recorded `retry` or `uncertain`, never left `sending`). Keep it below
   * SHUTDOWN_TIMEOUT_MS. Default 3,000 ms.
   */
  readonly sendGraceMs?: number;
  /** Run the delivery sweeper in this process (docs/delivery.md). Default true. */
  readonly sweeper?: boolean;
  /** Send a chart (PNG of the last 60 bars) with every instant alert (ALERT_CHARTS). Default true. */
  readonly charts?: boolean;
}

/** A delivery that could not go out this time; its job is retried with backoff on the retry budget. */
export class DeliveryNotSentError extends Error {
  readonly code = "DELIVERY_NOT_SENT";
  constructor(reason: string) {
    super(`not delivered yet: ${reason}`);
    this.name = "DeliveryNotSentError";
  }
}

/** The alert workers of one process: fan-out, deliveries, digests, and the sweeper. */
export interface AlertWorkers {
  readonly workers: readonly Worker[];
  close(): Promise<void>;
}

/**
 * Lock and stall check of the alert queues: a job whose worker was killed is retried by another
 * worker after at most lockDuration + stalledInterval (~15 s), where BullMQ's defaults (30 s and
 * 30 s) held a killed worker's deliveries for up to a minute. Locks are renewed every half
 * lockDuration, so a live job keeps its lock unless its process stalls for 10 s.
 */
const QUICK_TAKEOVER = { lockDuration: 10_000, stalledInterval: 5_000 } as const;
/**
 * Alert (fan-out) jobs in flight per process. A bar close starts dozens at once (16 HIGH of 49 in
 * one minute of bench/live); their statements coalesce (createAlertFanOut), so running them
 * together costs one round trip per step, where two at a time queued the 16th HIGH alert ~400 ms
 * behind the others.
 */
const FAN_OUT_CONCURRENCY = 16;

/** How often a digest job looks again whether its scan's analyze jobs are done. */
const DIGEST_POLL_MS = 1_000;

/** How long the delivery jobs take the track record as unchanged before reading its stamp again. */
const EVIDENCE_RECHECK_MS = 5_000;

/**
 * The alerts side of the pipeline (docs/delivery.md), one BullMQ worker per queue:
 * - `alerts`: one job per signal fans it out into a delivery job per recipient who gets it now;
 * - `digests`: one job per scan builds each subscriber's digest once the scan's jobs are done;
 * - `deliveries`: one job per (alert or digest, subscriber, channel) waits for quiet hours, a
 *   pause and a slot of the Redis rate limiter shared by every worker, then claims and sends.
 * On close, deliveries stop claiming at once, sends in flight get `sendGraceMs`, the rest are
 * aborted, and unclaimed jobs go back to the queue: nothing is left `sending`.
 */
export function startAlertWorkers(options: AlertWorkerOptions): AlertWorkers {
  const logger = options.logger.child({ module: "alert-worker" });
  const ownLimiter = options.limiter === undefined ? new RedisRateLimiter(options.connection) : null;
  const limiter = options.limiter ?? (ownLimiter as RedisRateLimiter);
  const deliveriesQueue = createQueue("deliveries", options.connection);
  const analyzeQueue = createQueue("analyze", options.connection);
  const alertsQueue = createQueue("alerts", options.connection);
  const digestsQueue = createQueue("digests", options.connection);
  const stopClaiming = new AbortController();
  const abortSends = new AbortController();
  const pacingOptions = { emailPerSecond: options.emailPerSecond ?? 5 };
  // Rendered once per signal and shared by every worker through Redis (chart/redis-chart-cache.ts).
  const chartCache = options.charts === false ? null : new RedisChartCache(options.connection);
  const charts =
    chartCache === null
      ? undefined
      : createAlertCharts({ db: options.db, cache: chartCache, logger, metrics: options.metrics });
  // Not awaited: a job that comes meanwhile waits for the thread as it would anyway.
  void charts?.warmUp();
  // The track record's figures, loaded once per update of it and shared by every delivery job of
  // this process; its stamp is read again at most every 5 s (evidence/README.md).
  const evidence = createEvidenceLookup({ db: options.db, recheckMs: EVIDENCE_RECHECK_MS });
  evidence
    .warmUp()
    .catch((err: unknown) =>
      logger.warn({ err }, "could not read the track record at start; the first alert reads it"),
    );
  // The delivery jobs running at once share each step's statement (delivery-ledger.ts).
  const ledger = createDeliveryLedger(options.db);

  const fanOutOne = createAlertFanOut({
    db: options.db,
    deliveriesQueue,
    ...(charts === undefined
      ? {}
      : { warmChart: (signal: SignalView) => void charts.imageFor(signal.id, signal) }),
  });
  const fanOut = createWorker(
    "alerts",
    options.connection,
    async (payload) => {
      try {
        return await fanOutOne(payload);
      } catch (error) {
        if (error instanceof SignalNotFoundError) throw unrecoverable(error);
        throw error;
      }
    },
    { concurrency: FAN_OUT_CONCURRENCY, ...QUICK_TAKEOVER },
  );

  const digests = createWorker(
    "digests",
    options.connection,
    async (payload, job, token) => {
      const outcome = await buildDigests(payload, { db: options.db, analyzeQueue, deliveriesQueue });
      if (outcome.kind === "waiting") {
        await job.moveToDelayed(Date.now() + DIGEST_POLL_MS, token);
        throw new DelayedError();
      }
      return outcome;
    },
    { concurrency: 1 },
  );

  const deliveries = createWorker(
    "deliveries",
    options.connection,
    async (payload, job, token) => {
      const outcome = await deliver(
        payload,
        {
          db: options.db,
          ledger,
          senders: options.senders,
          limiter,
          pacing: (channel) => channelPacing(channel, pacingOptions),
          metrics: options.metrics,
          logger: logger.child({ jobId: job.id }),
          throttle: options.throttle,
          defaultLanguage: options.defaultLanguage ?? "vi",
          sendSignal: abortSends.signal,
          evidence,
          outcomeMemory: {
            recalled: (job.data as { _outcome?: SendOutcome })._outcome ?? null,
            remember: (outcome) => job.updateData({ ...(job.data as object), _outcome: outcome }),
          },
          ...(charts === undefined ? {} : { charts }),
          ...(options.now === undefined ? {} : { now: options.now }),
        },
        stopClaiming.signal,
      );
      if (outcome.kind === "settled") return outcome;
      if (outcome.kind === "retry") throw new DeliveryNotSentError(outcome.error);
      // Quiet hours, a pause, the rate limit, a provider's retry_after or a shutdown: wait
      // without spending an attempt.
      await job.moveToDelayed(Math.max(outcome.untilMs, Date.now()), token);
      throw new DelayedError();
    },
    // A killed worker's delivery is taken over within ~15 s instead of BullMQ's 30–60 s.
    { concurrency: options.concurrency, ...QUICK_TAKEOVER },
  );
  deliveries.on("failed", (job, error) => {
    // The retry budget ran out: the delivery failed for good, with the real cause (if this write
    // fails, the sweeper finds the failed job and makes it).
    if (job === undefined || !(error instanceof RetryBudgetExhaustedError)) return;
    const deliveryId = (job.data as { deliveryId?: unknown }).deliveryId;
    if (typeof deliveryId !== "number") return;
    markDeliveryUnsent(options.db, deliveryId, "failed", error.message).catch((err: unknown) =>
      logger.warn({ err, deliveryId }, "could not record the given-up delivery; the sweeper will"),
    );
  });
  fanOut.on("failed", (job, error) => {
    if (job === undefined || !(error instanceof RetryBudgetExhaustedError)) return;
    logger.error({ err: error, jobId: job.id }, "alert fan-out gave up; vpa alerts retry owes it again");
  });

  const workers = [fanOut, digests, deliveries];
  for (const worker of workers) observeWorker(worker, options.metrics, logger);
  const sweeper: DeliverySweeper | null =
    options.sweeper === false
      ? null
      : startDeliverySweeper({ db: options.db, alertsQueue, deliveriesQueue, digestsQueue, logger });

  return {
    workers,
    async close() {
      await sweeper?.stop();
      stopClaiming.abort(new Error("the alert worker is shutting down"));
      const grace = setTimeout(
        () => abortSends.abort(new Error("the alert worker is shutting down")),
        options.sendGraceMs ?? 3_000,
      );
      grace.unref();
      await Promise.all(workers.map((worker) => worker.close()));
      clearTimeout(grace);
      await Promise.all([
        deliveriesQueue.close(),
        analyzeQueue.close(),
        alertsQueue.close(),
        digestsQueue.close(),
      ]);
      await ownLimiter?.close();
      await chartCache?.close();
    },
  };
}
