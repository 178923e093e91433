import { closeSenders, createSenders, startAlertWorker, startTelegramBot } from "@vpa/alerts";
import { migrateToLatest } from "@vpa/db";
import { createShutdown, pingRedis, startHealthServer } from "@vpa/runtime";
import { startAnalyzeWorker, startScanScheduler } from "@vpa/scanner";
import type { Worker } from "bullmq";
import { sql } from "kysely";
import type { AppContext } from "./app-context.ts";
import { UsageError } from "./cli-error.ts";

export const WORKER_KINDS = ["scanner", "alerts"] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];

/** Default port of /health, /ready and /metrics per worker kind (HTTP_PORT overrides). */
export const DEFAULT_HTTP_PORTS: Record<WorkerKind, number> = { scanner: 9464, alerts: 9465 };

export interface RunningWorkers {
  readonly workers: Worker[];
  close(): Promise<void>;
}

/** Starts the BullMQ workers of the given kinds inside this process (also used by the demo). */
export function startWorkers(app: AppContext, kinds: readonly WorkerKind[]): RunningWorkers {
  const workers: Worker[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const kind of kinds) {
    if (kind === "scanner") {
      workers.push(
        startAnalyzeWorker({
          db: app.database.db,
          connection: app.connection,
          alertsQueue: app.queue("alerts"),
          metrics: app.metrics,
          logger: app.logger,
          concurrency: app.config.scan.analyzeConcurrency,
          lookbackBars: app.config.scan.lookbackBars,
        }),
      );
    } else {
      const senders = createSenders(app.config, (line) => process.stdout.write(`${line}\n`));
      workers.push(
        startAlertWorker({
          db: app.database.db,
          connection: app.connection,
          senders,
          metrics: app.metrics,
          logger: app.logger,
          concurrency: app.config.alerts.concurrency,
        }),
      );
      closers.push(() => closeSenders(senders));
    }
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      for (const close of closers) await close();
    },
  };
}

/**
 * `vpa worker <kind>`: one long-lived worker process with its health server, stopping gracefully
 * on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS. Applies pending migrations first (safe from many
 * processes at once), so a fresh deployment needs no separate step.
 */
export async function runWorkerProcess(app: AppContext, kind: string): Promise<number> {
  if (kind === "backtest") {
    throw new UsageError("worker backtest: the backtest worker is not built yet (see the backtest issue)");
  }
  if (!(WORKER_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `worker: unknown kind ${JSON.stringify(kind)} (expected ${WORKER_KINDS.join(" or ")})`,
    );
  }
  const workerKind = kind as WorkerKind;
  const logger = app.logger.child({ worker: workerKind });
  await migrateToLatest(app.database.db);
  const shutdown = createShutdown({ logger, timeoutMs: app.config.shutdownTimeoutMs });
  shutdown.add("database and queues", () => app.close());
  const running = startWorkers(app, [workerKind]);
  shutdown.add("workers", () => running.close());
  if (workerKind === "scanner") {
    const scheduler = await startScanScheduler({
      db: app.database.db,
      connection: app.connection,
      scanQueue: app.queue("scan"),
      analyzeQueue: app.queue("analyze"),
      metrics: app.metrics,
      logger,
      dailyPattern: app.config.scan.dailySchedule,
      intradayPattern: app.config.scan.intradaySchedule,
      intradayTimeframe: app.config.scan.intradayTimeframe,
      extraHolidays: app.config.scan.extraHolidays,
    });
    shutdown.add("scan scheduler", () => scheduler.worker.close());
  }
  const botToken = app.config.telegram.botToken;
  if (workerKind === "alerts" && botToken !== null && app.config.telegram.botCommands) {
    const bot = startTelegramBot({
      token: botToken,
      apiRoot: app.config.telegram.apiRoot,
      db: app.database.db,
      logger,
    });
    shutdown.add("telegram bot", () => bot.stop());
  }
  const health = await startHealthServer({
    port: app.config.httpPort ?? DEFAULT_HTTP_PORTS[workerKind],
    registry: app.metrics.registry,
    checks: [
      { name: "redis", check: () => pingRedis(app.config.redisUrl) },
      { name: "postgres", check: async () => void (await sql`select 1`.execute(app.database.db)) },
    ],
    extraMetrics: async () => {
      const queue = app.queue(workerKind === "scanner" ? "analyze" : "alerts").queue;
      return queue.exportPrometheusMetrics();
    },
  });
  shutdown.add("health server", () => health.close());
  logger.info({ port: health.port, queuePrefix: app.config.queuePrefix }, "worker started");
  const reason = await shutdown.requested;
  return (await shutdown.run(reason)) ? 0 : 1;
}
