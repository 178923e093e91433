import { randomBytes } from "node:crypto";
import type { QueueConnection, QueueName, TypedQueue } from "@vpa/runtime";
import { Redis } from "ioredis";
import { recordQueuePrefix } from "./test-resources.ts";
import { TEST_REDIS_URL } from "./test-servers.ts";

export { TEST_REDIS_URL } from "./test-servers.ts";

/**
 * A queue prefix of its own (bullmq's isolation rule): nothing leaks between files or tests. The
 * prefix is recorded for the leak check, which fails the file if any key, job scheduler or worker
 * is left under it after the file's hooks. Every prefix a test uses on the shared Redis comes from
 * here, rate-limiter and status-board keys included.
 */
export function testQueueConnection(): QueueConnection {
  const prefix = `vpa-test-${randomBytes(4).toString("hex")}`;
  recordQueuePrefix(prefix, TEST_REDIS_URL);
  return { redisUrl: TEST_REDIS_URL, prefix };
}

/** Removes every key of the queues and closes them. */
export async function obliterateQueues(queues: readonly TypedQueue<QueueName>[]): Promise<void> {
  for (const queue of queues) {
    await queue.queue.obliterate({ force: true });
    await queue.close();
  }
}

/**
 * Deletes every key under the connection's prefix: what obliterating the queues a test opened
 * leaves behind (the queues a worker process opened itself, job schedulers it registered, the rate
 * limiter's and the status board's keys). Close the workers first, or they write again.
 */
export async function removeQueuePrefix(connection: QueueConnection): Promise<number> {
  const client = new Redis(connection.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    await client.connect();
    let removed = 0;
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(
        cursor,
        "MATCH",
        `${connection.prefix.replace(/[*?[\]\\]/g, "\\$&")}:*`,
        "COUNT",
        1_000,
      );
      cursor = next;
      if (keys.length > 0) removed += await client.unlink(...keys);
    } while (cursor !== "0");
    return removed;
  } finally {
    client.disconnect();
  }
}
