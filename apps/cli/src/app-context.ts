import {
  createDatabase,
  createReadDatabase,
  type DatabaseHandle,
  pingDatabase,
  readDatabaseFailureOf,
} from "@vpa/db";
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
  #readDatabase: DatabaseHandle | null = null;
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
    await this.#checkDatabase(this.database, this.config.databaseUrl);
  }

  /**
   * Resolves when the read replica (DATABASE_READ_URL) answers within a few seconds; otherwise
   * throws the {@link ServiceUnavailableError} naming it. Nothing to check without one. For a
   * process that serves reads from it (the API) before it starts.
   */
  async requireReadDatabase(): Promise<void> {
    if (this.config.databaseReadUrl === null) return;
    await this.#checkDatabase(this.readDatabase, this.config.databaseReadUrl);
  }

  async #checkDatabase(database: DatabaseHandle, url: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError({
              service: "postgres",
              failure: "timeout",
              url,
              ...(url === this.config.databaseUrl ? {} : { variable: "DATABASE_READ_URL" }),
              detail: `no answer within ${SERVICE_CHECK_TIMEOUT_MS / 1000} s`,
            }),
          ),
        SERVICE_CHECK_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([pingDatabase(database.db), timeout]);
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
    // The read replica's pool marks its connect failures: both URLs may name one host and port.
    const readFailure = readDatabaseFailureOf(error);
    if (readFailure !== null && this.config.databaseReadUrl !== null) {
      return classifyServiceError(readFailure.cause, {
        redisUrl: this.config.redisUrl,
        databaseUrl: this.config.databaseReadUrl,
        databaseVariable: "DATABASE_READ_URL",
      });
    }
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

  /**
   * The pool for read-only paths: the read replica's (DATABASE_READ_URL) when one is configured,
   * else the same pool as {@link database} (no second pool). A replica lags the primary: only for
   * reads that need not see a write this process or another has just made (create-read-database.ts).
   */
  get readDatabase(): DatabaseHandle {
    const url = this.config.databaseReadUrl;
    if (url === null) return this.database;
    this.#readDatabase ??= createReadDatabase({
      url,
      maxConnections: Math.max(4, Math.min(32, this.config.scan.analyzeConcurrency + 4)),
      onPoolError: (err) => this.logger.warn({ err }, "idle read-database connection lost"),
    });
    return this.#readDatabase;
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
    await Promise.all([this.#database?.close(), this.#readDatabase?.close()]);
    this.#database = null;
    this.#readDatabase = null;
    // Last: the spans of everything above are exported before the process ends.
    await this.#tracing?.shutdown();
    this.#tracing = null;
  }
}
