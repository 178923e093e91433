import { randomBytes } from "node:crypto";
import type { QueueConnection, QueueName, TypedQueue } from "@vpa/runtime";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A queue prefix of its own per test file (bullmq's isolation rule): nothing leaks between files. */
export function testQueueConnection(): QueueConnection {
  return { redisUrl: TEST_REDIS_URL, prefix: `vpa-test-${randomBytes(4).toString("hex")}` };
}

/** Removes every key of the queues and closes them. */
export async function obliterateQueues(queues: readonly TypedQueue<QueueName>[]): Promise<void> {
  for (const queue of queues) {
    await queue.queue.obliterate({ force: true });
    await queue.close();
  }
}
