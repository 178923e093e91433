import { type Database, finishBacktestRunWithout } from "@vpa/db";
import { createWorker, type Metrics, observeWorker, type QueueConnection, unrecoverable } from "@vpa/runtime";
import { UnrecoverableError, type Worker } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { InvalidBacktestConfigError, parseBacktestJobConfig } from "./backtest-job-config.ts";
import { type RunJobResult, runBacktestJob } from "./run-backtest.job.ts";
import { runSweepJob, type SweepJobResult } from "./run-sweep.job.ts";
import { runWalkForwardJob, type WalkForwardJobResult } from "./run-walk-forward.job.ts";

export interface BacktestWorkerOptions {
  readonly db: Kysely<Database>;
  readonly connection: QueueConnection;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /**
   * Jobs in flight per process. A backtest is CPU work on one thread: 1 is right for throughput;
   * run one worker process per core to use them all.
   */
  readonly concurrency: number;
}

/**
 * Lock time of a backtest job. Work is chunked (the event loop gets control between chunks, so
 * BullMQ renews the lock), but one chunk of a whole-market run can take a few seconds on a busy
 * machine: give it a wide margin before the job counts as stalled.
 */
const LOCK_DURATION_MS = 120_000;

/**
 * The long-lived backtest worker on the `backtest` queue. It runs every kind of job: single runs
 * (the sweeps' children too), sweep parents and walk-forward parents, which BullMQ hands over when
 * their children are done.
 */
export function startBacktestWorker(options: BacktestWorkerOptions): Worker {
  const logger = options.logger.child({ module: "backtest-worker" });
  const worker = createWorker(
    "backtest",
    options.connection,
    async (payload, job): Promise<RunJobResult | SweepJobResult | WalkForwardJobResult> => {
      const jobLogger = logger.child({ queue: "backtest", jobId: job.id, runId: payload.runId });
      try {
        let config: ReturnType<typeof parseBacktestJobConfig>;
        try {
          config = parseBacktestJobConfig(payload.config);
        } catch (error) {
          if (error instanceof InvalidBacktestConfigError) throw unrecoverable(error);
          throw error;
        }
        const started = performance.now();
        const result =
          config.kind === "walk-forward"
            ? await runWalkForwardJob(options.db, payload.runId, config, job)
            : config.kind === "sweep"
              ? await runSweepJob(options.db, payload.runId, config)
              : await runBacktestJob(options.db, payload.runId, config, job);
        jobLogger.info(
          { status: result.status, seconds: (performance.now() - started) / 1000 },
          "backtest finished",
        );
        return result;
      } catch (error) {
        const attempts = job.opts.attempts ?? 1;
        const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
        if (final) {
          await finishBacktestRunWithout(options.db, payload.runId, "failed", (error as Error).message).catch(
            (err: unknown) => jobLogger.error({ err }, "could not mark the run failed"),
          );
        }
        throw error;
      }
    },
    { concurrency: options.concurrency, lockDuration: LOCK_DURATION_MS },
  );
  observeWorker(worker, options.metrics, logger);
  return worker;
}
