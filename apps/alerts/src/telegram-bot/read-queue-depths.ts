import { setTimeout as sleep } from "node:timers/promises";
import { type QueueJobCounts, type StatusQueue as RuntimeStatusQueue, readQueueStatus } from "@vpa/runtime";

/** The part of a BullMQ `Queue` that /status needs: its job counts, not its workers. */
export type StatusQueue = Pick<RuntimeStatusQueue, "name" | "getJobCounts">;

/**
 * Job counts of each queue (@vpa/runtime readQueueStatus, as `vpa status` and the API read them),
 * or null when Redis does not answer within `timeoutMs`: /status must answer even when Redis is
 * the thing that is down, and the bot's loop must not hang on it.
 */
export async function readQueueDepths(
  queues: readonly StatusQueue[],
  timeoutMs: number,
): Promise<QueueJobCounts[] | null> {
  const timeout = new AbortController();
  const read = readQueueStatus(queues);
  try {
    return await Promise.race([read, sleep(timeoutMs, null, { signal: timeout.signal }).then(() => null)]);
  } catch {
    return null;
  } finally {
    timeout.abort();
    read.catch(() => {}); // a late rejection after the time-out is expected, not unhandled
  }
}
