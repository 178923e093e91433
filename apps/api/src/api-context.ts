import type { Database } from "@vpa/db";
import type { Config, Logger, Metrics, QueueConnection, QueueName, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { ApiRateLimiter } from "./api-rate-limiter.ts";

/** What the API's routes use: opened by the caller (the worker process, a test), closed by it too. */
export interface ApiContext {
  readonly db: Kysely<Database>;
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
