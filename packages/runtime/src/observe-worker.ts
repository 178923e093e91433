import type { Job, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.ts";

/**
 * Wires a worker's events to the metrics and the log: processed/failed counters, the duration
 * histogram, the last-completed timestamp, and an `error` listener (without one, a Redis error
 * would crash the process).
 */
export function observeWorker(worker: Worker, metrics: Metrics, logger: Logger): void {
  const queue = worker.name;
  const duration = (job: Job) =>
    job.processedOn !== undefined && job.finishedOn !== undefined
      ? (job.finishedOn - job.processedOn) / 1000
      : null;
  worker.on("completed", (job) => {
    metrics.jobsProcessed.inc({ queue });
    metrics.lastJobCompletedAt.set({ queue }, Date.now() / 1000);
    const seconds = duration(job);
    if (seconds !== null) metrics.jobDuration.observe({ queue }, seconds);
    logger.debug({ queue, jobId: job.id, seconds }, "job completed");
  });
  worker.on("failed", (job, err) => {
    metrics.jobsProcessed.inc({ queue });
    metrics.jobsFailed.inc({ queue });
    const seconds = job === undefined ? null : duration(job);
    if (seconds !== null) metrics.jobDuration.observe({ queue }, seconds);
    logger.warn({ queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err }, "job failed");
  });
  worker.on("error", (err) => logger.error({ queue, err }, "worker error"));
}
