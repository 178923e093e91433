/**
 * A BullMQ worker whose jobs do nothing: the queue's own ceiling, measured beside the scan
 * (run.ts, "no-op jobs/s"). Same connection rule as createWorker (`maxRetriesPerRequest: null`).
 *
 *   node bench/scan/noop-worker.ts <redis-url> <queue-prefix> <queue-name> <concurrency>
 */
import { Worker } from "bullmq";

const [redisUrl, prefix, queueName, concurrency] = process.argv.slice(2) as [string, string, string, string];
const worker = new Worker(queueName, async () => null, {
  connection: { url: redisUrl, maxRetriesPerRequest: null },
  prefix,
  concurrency: Number(concurrency),
});
worker.on("error", () => {});
await worker.waitUntilReady();
console.log('{"msg":"worker started"}');
process.once("SIGTERM", () => {
  void worker.close().then(() => process.exit(0));
});
