import type { Database } from "@vpa/db";
import {
  createWorker,
  type Metrics,
  observeWorker,
  type QueueConnection,
  type TypedQueue,
} from "@vpa/runtime";
import type { Worker } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { type AnalyzeResult, analyzeChunk } from "./analyze-chunk.job.ts";
import { StockDirectory } from "./stock-directory.ts";

export interface AnalyzeWorkerOptions {
  readonly db: Kysely<Database>;
  readonly connection: QueueConnection;
  readonly alertsQueue: TypedQueue<"alerts">;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly lookbackBars: number;
}

/** The long-lived analyze worker: one job per chunk of symbols (analyze-chunk.job.ts). */
export function startAnalyzeWorker(options: AnalyzeWorkerOptions): Worker {
  const stocks = new StockDirectory(options.db);
  const logger = options.logger.child({ module: "analyze-worker" });
  const worker = createWorker(
    "analyze",
    options.connection,
    async (payload, job): Promise<AnalyzeResult> => {
      const result = await analyzeChunk(payload, {
        db: options.db,
        stocks,
        alertsQueue: options.alertsQueue,
        metrics: options.metrics,
        lookbackBars: options.lookbackBars,
      });
      if (result.newSignals > 0) {
        logger.debug(
          { jobId: job.id, symbols: payload.symbols.length, newSignals: result.newSignals },
          "signals stored",
        );
      }
      return result;
    },
    { concurrency: options.concurrency },
  );
  observeWorker(worker, options.metrics, logger);
  return worker;
}
