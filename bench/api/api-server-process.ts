/**
 * The API as `vpa worker api` runs it, in a process of its own for bench/api/run.ts (so the load
 * generator does not share its event loop), plus a bare fastify "hello" route on a second port:
 * the framework's own ceiling on this machine, measured in the same run.
 *
 * Env: DATABASE_URL, REDIS_URL, QUEUE_PREFIX. Argument: the answer cache's time to live in ms
 * (default 1000; 0: off). Prints one JSON line `{ api, hello }` (ports) when
 * both listen; stops on SIGTERM.
 */
import Fastify from "fastify";
import { ApiRateLimiter } from "../../apps/api/src/api-rate-limiter.ts";
import { startApiServer } from "../../apps/api/src/start-api-server.ts";
import { createDatabase } from "../../packages/db/src/index.ts";
import {
  createLogger,
  createMetrics,
  createQueue,
  type QueueName,
  type TypedQueue,
} from "../../packages/runtime/src/index.ts";

const databaseUrl = process.env.DATABASE_URL as string;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.QUEUE_PREFIX as string;
const database = createDatabase({ url: databaseUrl, maxConnections: 16 });
const connection = { redisUrl, prefix };
// warn: a line per request would measure the log writer, not the API (production logs at info).
const logger = createLogger({ level: "warn", secrets: [] });
const rateLimiter = new ApiRateLimiter({ redisUrl, prefix, perMinute: 100_000_000 });
const queues = new Map<QueueName, TypedQueue<QueueName>>();
const server = await startApiServer(
  {
    db: database.db,
    connection,
    queue: <Q extends QueueName>(name: Q) => {
      let queue = queues.get(name);
      if (queue === undefined) {
        queue = createQueue(name, connection) as unknown as TypedQueue<QueueName>;
        queues.set(name, queue);
      }
      return queue as unknown as TypedQueue<Q>;
    },
    metrics: createMetrics(),
    logger,
    settings: { port: 0, corsOrigins: [], rateLimitPerMinute: 100_000_000, bodyLimitBytes: 65_536 },
    rateLimiter,
    requestScan: async () => ({ symbols: 0, scanId: null }),
  },
  // The first argument: how long answers are cached, ms (0: every request queries PostgreSQL).
  {
    port: 0,
    host: "127.0.0.1",
    responseCacheMs: Number(process.argv[2] ?? 1_000),
  },
);
const hello = Fastify();
hello.get("/hello", async () => ({ hello: "world" }));
await hello.listen({ port: 0, host: "127.0.0.1" });
const helloPort = (hello.server.address() as { port: number }).port;
process.stdout.write(`${JSON.stringify({ api: server.port, hello: helloPort })}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    await server.close();
    await hello.close();
    await rateLimiter.close();
    for (const queue of queues.values()) await queue.close();
    await database.close();
    process.exit(0);
  })();
});
