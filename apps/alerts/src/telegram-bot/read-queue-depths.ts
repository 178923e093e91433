import { setTimeout as sleep } from "node:timers/promises";

/** The part of a BullMQ `Queue` that /status needs. */
export interface StatusQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface QueueDepth {
  readonly queue: string;
  /** Jobs ready to run (BullMQ's `waiting` plus `prioritized`: alert jobs carry a priority). */
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

/**
 * Job counts of each queue, or null when Redis does not answer within `timeoutMs`: /status must
 * answer even when Redis is the thing that is down, and the bot's loop must not hang on it.
 */
export async function readQueueDepths(
  queues: readonly StatusQueue[],
  timeoutMs: number,
): Promise<QueueDepth[] | null> {
  const timeout = new AbortController();
  const read = Promise.all(
    queues.map(async (queue): Promise<QueueDepth> => {
      const counts = await queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed");
      return {
        queue: queue.name,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    }),
  );
  try {
    return await Promise.race([read, sleep(timeoutMs, null, { signal: timeout.signal }).then(() => null)]);
  } catch {
    return null;
  } finally {
    timeout.abort();
    read.catch(() => {}); // a late rejection after the time-out is expected, not unhandled
  }
}
