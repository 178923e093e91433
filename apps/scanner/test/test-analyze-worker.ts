import { createLogger, createMetrics } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { type AnalyzeWorkerOptions, startAnalyzeWorker } from "../src/index.ts";

/**
 * An analyze worker for a test: silent, with metrics of its own, the deployed warm-up
 * (SCAN_LOOKBACK_BARS 250) and two jobs at a time unless the test says otherwise.
 */
export function startTestAnalyzeWorker(
  options: Pick<AnalyzeWorkerOptions, "db" | "connection" | "alertsQueue"> &
    Partial<Pick<AnalyzeWorkerOptions, "concurrency" | "lookbackBars" | "metrics">>,
): Worker {
  return startAnalyzeWorker({
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger: createLogger({ level: "silent", secrets: [] }),
    concurrency: 2,
    lookbackBars: 250,
    ...options,
  });
}
