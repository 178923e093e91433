import type { Queue } from "bullmq";

/**
 * What every status surface shows of the queues (`GET /status`, `vpa status`, the bot's admin
 * /status), read in one place so that they cannot drift apart again: they did, one read
 * `completed` and the others not, and the bot folded `prioritized` into `waiting` on its own.
 * Each surface chooses which of these figures to show; none reads the queues itself.
 */

/** The part of a BullMQ `Queue` (a TypedQueue's `queue`) that reading its status needs. */
export type StatusQueue = Pick<Queue, "name" | "getJobCounts" | "getWorkersCount">;

/**
 * Every state BullMQ counts, all in one `getJobCounts` call: one Lua script, so one round trip
 * per queue however many states, and cluster-safe (a queue's keys share the prefix's hash tag).
 */
const JOB_COUNT_STATES = [
  "waiting",
  "prioritized",
  "active",
  "delayed",
  "waiting-children",
  "failed",
  "completed",
] as const;

export interface QueueJobCounts {
  readonly queue: string;
  /** Ready to run without a priority (BullMQ's `waiting`; also the paused list while paused). */
  readonly waiting: number;
  /**
   * Ready to run with a priority: alert and delivery jobs carry one (ALERT_JOB_PRIORITY), so
   * `waiting` alone reads 0 while they pile up. "Jobs ready to run" is `waiting + prioritized`.
   */
  readonly prioritized: number;
  readonly active: number;
  /** Due later: a retry's back-off or a `delay`. */
  readonly delayed: number;
  /** A parent waiting for its children to end (a backtest sweep's run, submit-backtest.ts); not ready to run. */
  readonly waitingChildren: number;
  /** Failed for good (retries spent or unrecoverable), as far as `removeOnFail` keeps them (7 days). */
  readonly failed: number;
  /** Completed, as far as `removeOnComplete` keeps them (24 h, 50,000): not a running total. */
  readonly completed: number;
}

export interface QueueStatus extends QueueJobCounts {
  /** Workers connected to the queue now (BullMQ's CLIENT LIST: one per node on a cluster). */
  readonly workers: number;
}

/**
 * The job counts of each queue, in the order given, with one Redis round trip per queue (sent
 * together). With `{ workers: true }` also how many workers each has: one CLIENT LIST more per
 * queue, which the bot skips (it does not show them and answers within a time-out).
 *
 * @example
 * const statuses = await readQueueStatus(QUEUE_NAMES.map((name) => app.queue(name).queue), { workers: true });
 */
export function readQueueStatus(
  queues: readonly StatusQueue[],
  options: { readonly workers: true },
): Promise<QueueStatus[]>;
export function readQueueStatus(
  queues: readonly Pick<StatusQueue, "name" | "getJobCounts">[],
  options?: { readonly workers?: false },
): Promise<QueueJobCounts[]>;
export function readQueueStatus(
  queues: readonly Pick<StatusQueue, "name" | "getJobCounts">[],
  options: { readonly workers?: boolean } = {},
): Promise<QueueJobCounts[] | QueueStatus[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, workers] = await Promise.all([
        queue.getJobCounts(...JOB_COUNT_STATES),
        // The first overload admits `workers: true` only with queues that count their workers.
        options.workers === true ? (queue as StatusQueue).getWorkersCount() : undefined,
      ]);
      const jobCounts = {
        waiting: counts.waiting ?? 0,
        prioritized: counts.prioritized ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        waitingChildren: counts["waiting-children"] ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
      // `workers` right after `queue`: the order `vpa status --json` and GET /status have always had.
      return workers === undefined
        ? { queue: queue.name, ...jobCounts }
        : { queue: queue.name, workers, ...jobCounts };
    }),
  );
}
