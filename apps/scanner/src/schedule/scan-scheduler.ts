import { market } from "@vpa/core";
import { type Database, maintainMarketDataPartitions, type Timeframe } from "@vpa/db";
import type { BarProvider } from "@vpa/market-data";
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
import { registerScanSchedules } from "./register-scan-schedules.ts";
import type { ScanSchedule } from "./scan-schedule.ts";
import { runScheduledScan } from "./scheduled-scan.job.ts";

export interface ScanSchedulerOptions {
  readonly db: Kysely<Database>;
  readonly connection: QueueConnection;
  readonly scanQueue: TypedQueue<"scan">;
  readonly analyzeQueue: TypedQueue<"analyze">;
  /** Where each scheduled scan's digest job goes. */
  readonly digestQueue?: TypedQueue<"digests">;
  /** Symbols per analyze job (ANALYZE_CHUNK_SIZE); default scanMarket's. */
  readonly analyzeChunkSize?: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly dailyPattern: string | null;
  readonly intradayPattern: string | null;
  readonly intradayTimeframe: Timeframe;
  readonly extraHolidays: readonly string[];
  /** Drop intraday bars older than this, a month at a time (INTRADAY_RETENTION_DAYS); null keeps all. */
  readonly intradayRetentionDays?: number | null;
  /** Fetch new bars before each scheduled scan (when MARKET_DATA_URL is set). */
  readonly provider?: BarProvider;
}

/** The configured schedules: daily after the close (1D bars) and, if set, intraday in sessions. */
export function scanSchedulesOf(
  options: Pick<ScanSchedulerOptions, "dailyPattern" | "intradayPattern" | "intradayTimeframe">,
): ScanSchedule[] {
  const schedules: ScanSchedule[] = [];
  if (options.dailyPattern !== null) {
    schedules.push({ id: "scan-daily", kind: "daily", pattern: options.dailyPattern, timeframe: "1D" });
  }
  if (options.intradayPattern !== null) {
    schedules.push({
      id: "scan-intraday",
      kind: "intraday",
      pattern: options.intradayPattern,
      timeframe: options.intradayTimeframe,
    });
  }
  return schedules;
}

/**
 * Registers the scan schedules with BullMQ (Asia/Ho_Chi_Minh) and runs the worker that carries
 * them out. Runs inside each scanner worker process; registration is idempotent.
 */
export async function startScanScheduler(
  options: ScanSchedulerOptions,
): Promise<{ worker: Worker; schedules: ScanSchedule[] }> {
  const logger = options.logger.child({ module: "scan-scheduler" });
  const calendar = market.createHolidayCalendar({ extraHolidays: options.extraHolidays });
  const schedules = scanSchedulesOf(options);
  await maintainPartitions(options, logger);
  const { removed } = await registerScanSchedules(options.scanQueue, options.connection, schedules);
  logger.info(
    { schedules: schedules.map((s) => `${s.id} "${s.pattern}" ${s.timeframe}`), removed },
    "scan schedules registered",
  );
  const worker = createWorker(
    "scan",
    options.connection,
    async (payload) => {
      await maintainPartitions(options, logger);
      const result = await runScheduledScan(payload, {
        db: options.db,
        analyzeQueue: options.analyzeQueue,
        ...(options.digestQueue === undefined ? {} : { digestQueue: options.digestQueue }),
        ...(options.analyzeChunkSize === undefined ? {} : { analyzeChunkSize: options.analyzeChunkSize }),
        metrics: options.metrics,
        calendar,
        now: Date.now,
        ...(options.provider === undefined ? {} : { provider: options.provider }),
      });
      logger.info(
        { kind: payload.kind, ...result },
        result.ran ? "scheduled scan enqueued" : "scheduled scan skipped",
      );
      return result;
    },
    { concurrency: 1 },
  );
  observeWorker(worker, options.metrics, logger);
  return { worker, schedules };
}

/**
 * market_data's partitions for the coming periods, created before their first bar (a bar writer
 * would otherwise create one on demand, taking a lock on the parent while bars are written), and
 * intraday months past the retention dropped. Cheap when there is nothing to do.
 */
async function maintainPartitions(options: ScanSchedulerOptions, logger: Logger): Promise<void> {
  const result = await maintainMarketDataPartitions(options.db, {
    now: new Date(),
    intradayRetentionDays: options.intradayRetentionDays ?? null,
  });
  if (result.created > 0 || result.dropped.length > 0)
    logger.info(result, "market_data partitions maintained");
}
