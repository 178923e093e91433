/**
 * One backtest worker in its own process (what `vpa worker backtest` will run once wired), for the
 * sweep benchmark: DATABASE_URL, REDIS_URL, QUEUE_PREFIX from the environment. Prints "ready".
 */
import { startBacktestWorker } from "../../apps/backtest/src/index.ts";
import { createDatabase } from "../../packages/db/src/index.ts";
import { createLogger, createMetrics } from "../../packages/runtime/src/index.ts";

const database = createDatabase({ url: process.env.DATABASE_URL!, maxConnections: 4 });
const worker = startBacktestWorker({
  db: database.db,
  connection: { redisUrl: process.env.REDIS_URL!, prefix: process.env.QUEUE_PREFIX! },
  metrics: createMetrics({ collectProcessMetrics: false }),
  logger: createLogger({ level: "warn", secrets: [] }),
  concurrency: 1,
});
await worker.waitUntilReady();
console.log("ready");
process.once("SIGTERM", () => {
  void worker
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
