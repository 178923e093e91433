import { createDatabase, type DatabaseHandle } from "@vpa/db";
import {
  type Config,
  createLogger,
  createMetrics,
  createQueue,
  type Logger,
  type Metrics,
  type QueueConnection,
  type QueueName,
  secretsOf,
  type TypedQueue,
} from "@vpa/runtime";

/**
 * What a command or worker process opens, once: logger, pool, queue producers, metrics. Opened
 * lazily so that commands which need no Redis (import, signals) never connect to it.
 */
export class AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly connection: QueueConnection;
  #database: DatabaseHandle | null = null;
  readonly #queues = new Map<QueueName, TypedQueue<QueueName>>();

  constructor(
    config: Config,
    options: { logDestination?: "stdout" | "stderr"; processMetrics?: boolean } = {},
  ) {
    this.config = config;
    this.logger = createLogger({
      level: config.logLevel,
      secrets: secretsOf(config),
      destination: options.logDestination === "stderr" ? process.stderr : process.stdout,
    });
    this.metrics = createMetrics({ collectProcessMetrics: options.processMetrics ?? false });
    this.connection = {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      retryBudgetMs: config.jobRetryBudgetMs,
    };
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
  }
}
