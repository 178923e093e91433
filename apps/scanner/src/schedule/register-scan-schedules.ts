import { acquireRedisLock, createRedisClient, type QueueConnection, type TypedQueue } from "@vpa/runtime";
import { SCAN_TIME_ZONE, type ScanSchedule } from "./scan-schedule.ts";

/**
 * Makes the queue's job schedulers exactly `schedules`: upserts each (idempotent on redeploy) and
 * removes scan schedulers no longer configured. Several scanner replicas booting together would
 * race on the upserts (a known BullMQ issue), so one holds a short Redis lock while it writes.
 */
export async function registerScanSchedules(
  scanQueue: TypedQueue<"scan">,
  connection: QueueConnection,
  schedules: readonly ScanSchedule[],
): Promise<{ registered: string[]; removed: string[] }> {
  // One key (under the queue's hash-tagged prefix): a single-slot lock on a Redis Cluster too.
  const client = createRedisClient(connection, { maxRetriesPerRequest: 3, lazyConnect: true });
  client.on("error", () => {});
  await client.connect();
  const lock = await acquireRedisLock(client, `${scanQueue.queue.qualifiedName}:schedules-lock`, {
    ttlMs: 10_000,
  }).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  try {
    const wanted = new Set(schedules.map((s) => s.id));
    const removed: string[] = [];
    for (const existing of await scanQueue.queue.getJobSchedulers()) {
      if (existing.key.startsWith("scan-") && !wanted.has(existing.key as ScanSchedule["id"])) {
        await scanQueue.queue.removeJobScheduler(existing.key);
        removed.push(existing.key);
      }
    }
    for (const schedule of schedules) {
      await scanQueue.queue.upsertJobScheduler(
        schedule.id,
        { pattern: schedule.pattern, tz: SCAN_TIME_ZONE },
        { name: "scan", data: { kind: schedule.kind, timeframe: schedule.timeframe } },
      );
    }
    return { registered: schedules.map((s) => s.id), removed };
  } finally {
    await lock.release();
    client.disconnect();
  }
}
