import { createDatabase, type DatabaseHandle, pingDatabase } from "@vpa/db";
import {
  type Config,
  checkRedis,
  classifyServiceError,
  createLogger,
  createMetrics,
  createQueue,
  type Logger,
  type Metrics,
  type QueueConnection,
  type QueueName,
  type ServiceName,
  ServiceUnavailableError,
  secretsOf,
  type Tracing,
  type TypedQueue,
} from "@vpa/runtime";

/** How long `requireServices` waits for each service to answer. */
const SERVICE_CHECK_TIMEOUT_MS = 3_000;

/**
 * What a command or worker process opens, once: logger, pool, queue producers, metrics. Opened
 * lazily so that commands which need no Redis (import, signals) never connect to it.
 */
export class AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  #connection: QueueConnection;
  #tracing: Tracing | null = null;
  #database: DatabaseHandle | null = null;
  readonly #queues = new Map<QueueName, TypedQueue<QueueName>>();
  /** What a Redis connection of this process last reported: the reason behind "Connection is closed.". */
  #lastRedisError: Error | undefined;

  constructor(
    config: Config,
    options: {
      logDestination?: "stdout" | "stderr";
      processMetrics?: boolean;
      /**
       * Commands: Redis connections give up after an outage this long (QueueConnection.failFastMs),
       * so a command fails instead of waiting for Redis. Unset for workers: they reconnect forever.
       */
      redisFailFastMs?: number;
    } = {},
  ) {
    this.config = config;
    this.logger = createLogger({
      level: config.logLevel,
      secrets: secretsOf(config),
      destination: options.logDestination === "stderr" ? process.stderr : process.stdout,
    });
    this.metrics = createMetrics({ collectProcessMetrics: options.processMetrics ?? false });
    this.#connection = {
      redisUrl: config.redisUrl,
      ...(config.redisClusterNodes.length === 0 ? {} : { clusterNodes: config.redisClusterNodes }),
      prefix: config.queuePrefix,
      retryBudgetMs: config.jobRetryBudgetMs,
      ...(options.redisFailFastMs === undefined ? {} : { failFastMs: options.redisFailFastMs }),
      onConnectionError: (error) => {
        this.#lastRedisError = error;
      },
    };
  }

  /** Redis and the queue prefix, as every queue and worker of this process uses them (with telemetry once traced). */
  get connection(): QueueConnection {
    return this.#connection;
  }

  /**
   * Starts exporting traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (runtime tracing.ts; nothing is
   * loaded otherwise): the queues and workers opened after this carry each job's trace. Call it
   * before opening any. `vpa-<name>` is the service name unless OTEL_SERVICE_NAME says otherwise.
   */
  async startTracing(name: string): Promise<void> {
    const { endpoint, serviceName } = this.config.tracing;
    if (endpoint === null || this.#tracing !== null) return;
    const { startTracing } = await import("@vpa/runtime");
    this.#tracing = await startTracing({ endpoint, serviceName: serviceName ?? `vpa-${name}` });
    this.#connection = { ...this.#connection, telemetry: this.#tracing.telemetry };
  }

  /**
   * Resolves when each named service answers within a few seconds; otherwise throws the
   * {@link ServiceUnavailableError} of the first one that does not (in the order given), which
   * says why and what to do. For a start that must not half-happen: a worker before it consumes
   * jobs, a command before it writes anything.
   */
  async requireServices(...names: readonly ServiceName[]): Promise<void> {
    const checks = names.map((name) =>
      (name === "redis"
        ? checkRedis(this.#connection, SERVICE_CHECK_TIMEOUT_MS)
        : this.#checkPostgres()
      ).then(
        () => null,
        (error: unknown) => error,
      ),
    );
    for (const failure of await Promise.all(checks)) if (failure !== null) throw failure;
  }

  async #checkPostgres(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError({
              service: "postgres",
              failure: "timeout",
              url: this.config.databaseUrl,
              detail: `no answer within ${SERVICE_CHECK_TIMEOUT_MS / 1000} s`,
            }),
          ),
        SERVICE_CHECK_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([pingDatabase(this.database.db), timeout]);
    } catch (error) {
      throw this.describeServiceFailure(error) ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The {@link ServiceUnavailableError} an error amounts to when it says Redis or PostgreSQL cannot
   * be used (refused, timed out, credentials, missing database); null for any other error.
   */
  describeServiceFailure(error: unknown): ServiceUnavailableError | null {
    return classifyServiceError(
      error,
      { redisUrl: this.config.redisUrl, databaseUrl: this.config.databaseUrl },
      this.#lastRedisError,
    );
  }

  get database(): DatabaseHandle {
    this.#database ??= createDatabase({
      url: this.config.databaseUrl,
      maxConnections: Math.max(4, Math.min(32, this.config.scan.analyzeConcurrency + 4)),
      onPoolError: (err) => this.logger.warn({ err }, "idle database connection lost"),
    });
    return this.#database;
  }

  queue<Q extends QueueName>(name: Q): TypedQueue<Q> {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = createQueue(name, this.connection) as unknown as TypedQueue<QueueName>;
      this.#queues.set(name, queue);
    }
    return queue as unknown as TypedQueue<Q>;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    this.#queues.clear();
    await this.#database?.close();
    this.#database = null;
    // Last: the spans of everything above are exported before the process ends.
    await this.#tracing?.shutdown();
    this.#tracing = null;
  }
}
