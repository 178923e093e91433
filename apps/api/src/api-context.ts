import type { Database } from "@vpa/db";
import type { Config, Logger, Metrics, QueueConnection, QueueName, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { ApiRateLimiter } from "./api-rate-limiter.ts";

/** What the API's routes use: opened by the caller (the worker process, a test), closed by it too. */
export interface ApiContext {
  /** The primary: every write, and the reads that must see a write just made (keys, own subscriptions). */
  readonly db: Kysely<Database>;
  /**
   * The read replica (DATABASE_READ_URL) for the other GET routes; absent: `db`. It may lag the
   * primary by its replication delay (docs/deploy.md), so no route reads here what it, or the
   * caller a moment before, has just written.
   */
  readonly readDb?: Kysely<Database>;
  readonly connection: QueueConnection;
  /** A producer of a queue, opened on first use. */
  queue<Q extends QueueName>(name: Q): TypedQueue<Q>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly settings: Config["api"];
  readonly rateLimiter: ApiRateLimiter;
  /** `POST /scan`: the same scan as `vpa scan` (the scanner's code is loaded on first use). */
  readonly requestScan: (request: {
    readonly symbols?: readonly string[];
  }) => Promise<{ readonly symbols: number; readonly scanId: number | null }>;
}

/** The pool of the read-only routes: the replica's when one is configured, else the primary's. */
export function readDatabaseOf(context: ApiContext): Kysely<Database> {
  return context.readDb ?? context.db;
}
