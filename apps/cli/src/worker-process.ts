// Each kind's packages (@vpa/scanner, @vpa/alerts, @vpa/backtest) are imported where that kind
// starts, never here: a worker process loads only its own kind's code (issue 10), and so do the
// demo and `scan --wait`, which start workers in-process.
import { migrateToLatest, pingDatabase } from "@vpa/db";
import {
  ConfigError,
  createShutdown,
  createStatusBoard,
  type Logger,
  mergePrometheusText,
  pingRedis,
  QUEUE_NAMES,
  startHealthServer,
} from "@vpa/runtime";
import type { Worker } from "bullmq";
import type { AppContext } from "./app-context.ts";
import { UsageError } from "./cli-error.ts";

export const WORKER_KINDS = ["scanner", "alerts", "backtest", "stream", "api"] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];
/** The kinds that are BullMQ workers (the demo and `scan --wait` can run them in-process). */
export type QueueWorkerKind = Extract<WorkerKind, "scanner" | "alerts" | "backtest">;

/**
 * Default port of /health, /ready and /metrics per worker kind (HTTP_PORT overrides). The API
 * serves them on its own port, API_PORT (default 8080), beside the API and the dashboard.
 */
export const DEFAULT_HTTP_PORTS: Record<WorkerKind, number> = {
  scanner: 9464,
  alerts: 9465,
  backtest: 9466,
  stream: 9467,
  api: 8080,
};

/** The port a worker of this kind serves /health on, with this configuration. */
export function healthPortOf(kind: WorkerKind, config: AppContext["config"]): number {
  return kind === "api" ? config.api.port : (config.httpPort ?? DEFAULT_HTTP_PORTS[kind]);
}

export interface RunningWorkers {
  readonly workers: Worker[];
  close(): Promise<void>;
}

/** Starts the BullMQ workers of the given kinds inside this process (also used by the demo). */
export async function startWorkers(
  app: AppContext,
  kinds: readonly QueueWorkerKind[],
): Promise<RunningWorkers> {
  const workers: Worker[] = [];
  // Stopped before the plain workers close (the alert workers close themselves, in their own
  // order) and after (senders: the jobs' last sends need them).
  const stopFirst: (() => Promise<void>)[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const kind of kinds) {
    if (kind === "scanner") {
      const { startAnalyzeWorker } = await import("@vpa/scanner");
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
    } else if (kind === "backtest") {
      const { startBacktestWorker } = await import("@vpa/backtest");
      workers.push(
        startBacktestWorker({
          db: app.database.db,
          connection: app.connection,
          metrics: app.metrics,
          logger: app.logger,
          concurrency: app.config.backtest.concurrency,
        }),
      );
    } else {
      const { closeSenders, createSenders, startAlertWorkers } = await import("@vpa/alerts");
      const senders = await createSenders(app.config, {
        writeConsole: (line) => process.stdout.write(`${line}\n`),
      });
      const alerts = startAlertWorkers({
        db: app.database.db,
        connection: app.connection,
        senders,
        metrics: app.metrics,
        logger: app.logger,
        concurrency: app.config.alerts.concurrency,
        throttle: {
          cooldownMs: app.config.alerts.cooldownMinutes * 60_000,
          maxPerHour: app.config.alerts.maxPerHour,
        },
        defaultLanguage: app.config.alerts.language,
        emailPerSecond: app.config.alerts.emailPerSecond,
        charts: app.config.alerts.charts,
        // Sends in flight get part of the shutdown time; the rest is for recording their outcome.
        sendGraceMs: Math.min(3_000, Math.floor(app.config.shutdownTimeoutMs / 2)),
      });
      workers.push(...alerts.workers);
      stopFirst.push(() => alerts.close());
      closers.push(() => closeSenders(senders));
    }
  }
  return {
    workers,
    async close() {
      for (const stop of stopFirst) await stop();
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
type Shutdown = ReturnType<typeof createShutdown>;

/** What each kind runs besides the health server (the API: its server, which serves /health itself). */
const KIND_STARTERS: Record<
  WorkerKind,
  (app: AppContext, logger: Logger, shutdown: Shutdown) => Promise<void>
> = {
  async api(app, logger, shutdown) {
    const { ApiRateLimiter, startApiServer } = await import("@vpa/api");
    const rateLimiter = new ApiRateLimiter({
      ...app.connection,
      perMinute: app.config.api.rateLimitPerMinute,
    });
    shutdown.add("api rate limiter", () => rateLimiter.close());
    const server = await startApiServer(
      {
        db: app.database.db,
        // DATABASE_READ_URL: the GET routes read the replica (api-context.ts says which stay on db).
        ...(app.config.databaseReadUrl === null ? {} : { readDb: app.readDatabase.db }),
        connection: app.connection,
        queue: (name) => app.queue(name),
        metrics: app.metrics,
        logger,
        settings: app.config.api,
        rateLimiter,
        // POST /scan (admins): the scanner's code is loaded when an admin first asks.
        requestScan: async ({ symbols }) => {
          const { scanMarket } = await import("@vpa/scanner");
          const plan = await scanMarket(app.database.db, app.queue("analyze"), {
            timeframe: app.config.scan.timeframe,
            digestQueue: app.queue("digests"),
            chunkSize: app.config.scan.analyzeChunkSize,
            ...(symbols === undefined ? {} : { symbols }),
          });
          return { symbols: plan.symbols.length, scanId: plan.scanId };
        },
      },
      { port: app.config.api.port },
    );
    shutdown.add("api server", () => server.close());
  },
  async scanner(app, logger, shutdown) {
    const running = await startWorkers(app, ["scanner"]);
    shutdown.add("workers", () => running.close());
    const { createConfiguredProvider, startScanScheduler } = await import("@vpa/scanner");
    const scheduler = await startScanScheduler({
      db: app.database.db,
      connection: app.connection,
      scanQueue: app.queue("scan"),
      analyzeQueue: app.queue("analyze"),
      digestQueue: app.queue("digests"),
      analyzeChunkSize: app.config.scan.analyzeChunkSize,
      metrics: app.metrics,
      logger,
      dailyPattern: app.config.scan.dailySchedule,
      intradayPattern: app.config.scan.intradaySchedule,
      intradayTimeframe: app.config.scan.intradayTimeframe,
      intradayRetentionDays: app.config.scan.intradayRetentionDays,
      extraHolidays: app.config.scan.extraHolidays,
      ...(app.config.marketData.baseUrl === null
        ? {}
        : { provider: createConfiguredProvider(app.config.marketData, app.metrics) }),
    });
    shutdown.add("scan scheduler", () => scheduler.worker.close());
  },
  async alerts(app, logger, shutdown) {
    const running = await startWorkers(app, ["alerts"]);
    shutdown.add("workers", () => running.close());
    const botToken = app.config.telegram.botToken;
    if (botToken !== null && app.config.telegram.botCommands) {
      const { startTelegramBot } = await import("@vpa/alerts");
      const bot = startTelegramBot({
        token: botToken,
        apiRoot: app.config.telegram.apiRoot,
        db: app.database.db,
        // DATABASE_READ_URL: /signals, /top, /chart, /portfolio and /status read the replica.
        ...(app.config.databaseReadUrl === null ? {} : { readDb: app.readDatabase.db }),
        logger,
        adminChatIds: app.config.telegram.adminChatIds,
        allowedChatIds: app.config.telegram.allowedChatIds,
        // Producers open lazily: the alerts process connects to the other queues only when an admin asks.
        statusQueues: () => QUEUE_NAMES.map((name) => app.queue(name).queue),
        defaultLanguage: app.config.alerts.language,
        // /scan (admins): the same scan as `vpa scan`, with its digest.
        // The scanner's code is loaded when an admin first asks, not by every alerts worker.
        requestScan: async () => {
          const { scanMarket } = await import("@vpa/scanner");
          const plan = await scanMarket(app.database.db, app.queue("analyze"), {
            timeframe: app.config.scan.timeframe,
            digestQueue: app.queue("digests"),
            chunkSize: app.config.scan.analyzeChunkSize,
          });
          return { symbols: plan.symbols.length };
        },
        // /resume releases the chat's held deliveries at once.
        heldDeliveries: () => app.queue("deliveries").queue,
        // /chart shares the alert workers' chart cache.
        chartCache: { redisUrl: app.connection.redisUrl, prefix: app.connection.prefix },
        // Replies are booked in the alert workers' limits: together they stay within Telegram's.
        rateLimit: app.connection,
        // TELEGRAM_WEBHOOK_URL: Telegram posts the updates (docs/deploy.md); else the bot polls.
        ...(app.config.telegram.webhook === null ? {} : { webhook: app.config.telegram.webhook }),
        drainTimeoutMs: Math.min(3_000, Math.floor(app.config.shutdownTimeoutMs / 3)),
      });
      shutdown.add("telegram bot", () => bot.stop());
    }
  },
  async backtest(app, _logger, shutdown) {
    const running = await startWorkers(app, ["backtest"]);
    shutdown.add("workers", () => running.close());
  },
  async stream(app, logger, shutdown) {
    const { stream, marketData } = app.config;
    const problems = [
      ...(stream.url === null ? ["STREAM_URL: required by the stream worker (ws:// or wss://)"] : []),
      ...(stream.symbols.length === 0
        ? ["STREAM_SYMBOLS: required by the stream worker, e.g. VN30F1M,VCB"]
        : []),
      ...(marketData.baseUrl === null
        ? ["MARKET_DATA_URL: required by the stream worker to backfill gaps"]
        : []),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
    const { createConfiguredProvider, createProvisionalLedgerRedis, startLiveStream } = await import(
      "@vpa/scanner"
    );
    const { createProvisionalSink } = await import("@vpa/alerts");
    const board = createStatusBoard(app.connection);
    // Provisional alerts of forming bars go straight to live subscribers (perishable: no ledger),
    // booked in the alert workers' rate limiter like any send.
    const provisionalSink = await createProvisionalSink({
      db: app.database.db,
      config: app.config,
      connection: app.connection,
      logger,
      writeConsole: (line) => process.stdout.write(`${line}\n`),
    });
    // Closed after the live stream (closers run last first), and also when the stream fails to start.
    shutdown.add("provisional alerts", () => provisionalSink.close());
    const ledgerRedis = createProvisionalLedgerRedis(app.connection);
    const live = await startLiveStream({
      db: app.database.db,
      alertsQueue: app.queue("alerts"),
      warmUpBars: app.config.scan.lookbackBars,
      provider: createConfiguredProvider(marketData, app.metrics),
      metrics: app.metrics,
      logger,
      name: stream.name,
      url: stream.url as string,
      symbols: stream.symbols,
      timeframe: stream.timeframe,
      defaultExchange: stream.defaultExchange,
      publishStatus: (status) => board.publish("stream", stream.name, status),
      provisional: {
        redis: ledgerRedis,
        prefix: app.connection.prefix,
        sink: async (event) => {
          await provisionalSink.deliver(event);
        },
      },
    });
    shutdown.add("live stream", async () => {
      await live.stop();
      await board.close();
      ledgerRedis.disconnect();
    });
  },
};

/**
 * `vpa worker api`: the same start and stop as the other kinds, without their health server: the
 * API serves /health, /ready and /metrics itself, on API_PORT, once migrations are applied.
 */
async function runApiProcess(app: AppContext): Promise<number> {
  const logger = app.logger.child({ worker: "api" });
  const shutdown = createShutdown({ logger, timeoutMs: app.config.shutdownTimeoutMs });
  shutdown.add("database and queues", () => app.close());
  try {
    await app.requireServices("postgres", "redis");
    await app.requireReadDatabase();
    // Migrations on the primary: a replica follows it (and refuses writes).
    await migrateToLatest(app.database.db);
    await KIND_STARTERS.api(app, logger, shutdown);
  } catch (error) {
    await shutdown.run("start failed");
    throw error;
  }
  logger.info({ port: app.config.api.port, queuePrefix: app.config.queuePrefix }, "worker started");
  const reason = await shutdown.requested;
  return (await shutdown.run(reason)) ? 0 : 1;
}

export async function runWorkerProcess(app: AppContext, kind: string): Promise<number> {
  if (!(WORKER_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `worker: unknown kind ${JSON.stringify(kind)} (expected ${WORKER_KINDS.join(", ")})`,
    );
  }
  const workerKind = kind as WorkerKind;
  if (workerKind === "api") return runApiProcess(app);
  const logger = app.logger.child({ worker: workerKind });
  // Signals first, so that a SIGTERM during the start stops cleanly too. Then the health port, both
  // services and migrations: a worker that cannot serve /health or reach Redis and PostgreSQL stops
  // with one clear line before it takes a single job (its own connections would wait for the
  // services forever, logging every retry).
  const shutdown = createShutdown({ logger, timeoutMs: app.config.shutdownTimeoutMs });
  shutdown.add("database and queues", () => app.close());
  const health = await startHealthServer({
    port: app.config.httpPort ?? DEFAULT_HTTP_PORTS[workerKind],
    registry: app.metrics.registry,
    checks: [
      { name: "redis", check: () => pingRedis(app.connection) },
      { name: "postgres", check: () => pingDatabase(app.database.db) },
    ],
    // Every queue's depth from every worker: the autoscaler (KEDA, deploy/k8s) reads
    // bullmq_job_count of a kind's queue while that kind runs no pod at all (scaled to zero).
    extraMetrics: async () =>
      mergePrometheusText(
        await Promise.all(QUEUE_NAMES.map((name) => app.queue(name).queue.exportPrometheusMetrics())),
      ),
  });
  shutdown.add("health server", () => health.close());
  try {
    await app.requireServices("postgres", "redis");
    await migrateToLatest(app.database.db);
    await KIND_STARTERS[workerKind](app, logger, shutdown);
  } catch (error) {
    // Whatever did start (a worker already consuming jobs) stops before the error is reported.
    await shutdown.run("start failed");
    throw error;
  }
  logger.info({ port: health.port, queuePrefix: app.config.queuePrefix }, "worker started");
  const reason = await shutdown.requested;
  return (await shutdown.run(reason)) ? 0 : 1;
}
