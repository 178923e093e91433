import { type Job, type Queue, QueueEvents } from "bullmq";
import { JobsNotFinishedError } from "./jobs-not-finished-error.ts";
import { bullmqConnection, type QueueConnection } from "./queues.ts";
import { ServiceUnavailableError } from "./service-unavailable-error.ts";

export interface JobOutcome {
  readonly state: "completed" | "failed";
  readonly returnValue: unknown;
  readonly failedReason: string | null;
  /** When the job finished (ms since epoch): tells a job this run did from one deduplicated against an earlier run. */
  readonly finishedOn: number;
}

/**
 * Listens for the end of a set of jobs. Start it BEFORE enqueueing (so no completion is missed),
 * then call `wait(ids)`. Jobs that had already finished (a deduplicated id) are found by a state
 * check, and a slow periodic re-check covers any event the stream dropped.
 */
export class JobWaiter {
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #finished = new Map<string, JobOutcome>();
  #notify: () => void = () => {};

  readonly #release: () => void;

  private constructor(queue: Queue, events: QueueEvents, release: () => void) {
    this.#release = release;
    this.#queue = queue;
    this.#events = events;
    events.on("completed", ({ jobId, returnvalue }) => {
      this.#finished.set(jobId, {
        state: "completed",
        returnValue: parseReturnValue(returnvalue),
        failedReason: null,
        finishedOn: Date.now(),
      });
      this.#notify();
    });
    events.on("failed", ({ jobId, failedReason }) => {
      this.#finished.set(jobId, { state: "failed", returnValue: null, failedReason, finishedOn: Date.now() });
      this.#notify();
    });
  }

  /**
   * Subscribes to the queue's events. Rejects when Redis does not answer within `readyTimeoutMs`
   * (default 10 s), or sooner when the connection gives up (`failFastMs`).
   */
  static async start(
    queue: Queue,
    connection: QueueConnection,
    options: { readyTimeoutMs?: number } = {},
  ): Promise<JobWaiter> {
    const redis = bullmqConnection(connection, "blocking");
    const events = new QueueEvents(queue.name, { connection: redis.connection, prefix: connection.prefix });
    // Registered at once: an 'error' without a listener would crash the process.
    events.on("error", (error) => connection.onConnectionError?.(error));
    const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        events.waitUntilReady(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ServiceUnavailableError({
                  service: "redis",
                  failure: "timeout",
                  url: connection.redisUrl,
                  detail: `no answer within ${readyTimeoutMs / 1000} s`,
                }),
              ),
            readyTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      // Not awaited: closing a connection that never opened can wait for it too.
      events
        .close()
        .catch(() => {})
        .finally(() => redis.release());
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return new JobWaiter(queue, events, redis.release);
  }

  /**
   * Resolves with every job's outcome, or rejects after `timeoutMs` naming how many are left.
   * With `allowUnfinished`, resolves at the deadline with the outcomes there are (a job may wait
   * for hours on purpose: a delivery held for quiet hours).
   */
  async wait(
    ids: readonly string[],
    options: {
      timeoutMs: number;
      onProgress?: (done: number, total: number) => void;
      allowUnfinished?: boolean;
    },
  ): Promise<Map<string, JobOutcome>> {
    const pending = new Set(ids.filter((id) => !this.#finished.has(id)));
    const deadline = Date.now() + options.timeoutMs;
    const settle = () => {
      for (const id of pending) if (this.#finished.has(id)) pending.delete(id);
      options.onProgress?.(ids.length - pending.size, ids.length);
    };
    await this.#checkStates(pending);
    settle();
    while (pending.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 && options.allowUnfinished === true) break;
      if (remaining <= 0) throw new JobsNotFinishedError(pending.size, ids.length, this.#queue.name);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(2_000, remaining));
        this.#notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#notify = () => {};
      settle();
      if (pending.size > 0 && pending.size <= 200) await this.#checkStates(pending);
      settle();
    }
    return new Map(
      ids.flatMap((id) => {
        const outcome = this.#finished.get(id);
        return outcome === undefined ? [] : [[id, outcome] as const];
      }),
    );
  }

  async #checkStates(ids: ReadonlySet<string>): Promise<void> {
    const list = [...ids];
    for (let i = 0; i < list.length; i += 100) {
      const jobs = await Promise.all(list.slice(i, i + 100).map((id) => this.#queue.getJob(id)));
      for (const job of jobs) {
        if (job?.id === undefined) continue;
        const outcome = await finishedOutcome(job);
        if (outcome !== null) this.#finished.set(job.id, outcome);
      }
    }
  }

  async close(): Promise<void> {
    try {
      await this.#events.close();
    } finally {
      this.#release();
    }
  }
}

async function finishedOutcome(job: Job): Promise<JobOutcome | null> {
  if (job.finishedOn === undefined) return null;
  const state = await job.getState();
  const finishedOn = job.finishedOn;
  if (state === "completed") return { state, returnValue: job.returnvalue, failedReason: null, finishedOn };
  if (state === "failed") return { state, returnValue: null, failedReason: job.failedReason, finishedOn };
  return null;
}

function parseReturnValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
