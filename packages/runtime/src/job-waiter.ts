import { type Job, type Queue, QueueEvents } from "bullmq";
import type { QueueConnection } from "./queues.ts";

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

  private constructor(queue: Queue, events: QueueEvents) {
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
    events.on("error", () => {});
  }

  static async start(queue: Queue, connection: QueueConnection): Promise<JobWaiter> {
    const events = new QueueEvents(queue.name, {
      connection: { url: connection.redisUrl, maxRetriesPerRequest: null },
      prefix: connection.prefix,
    });
    await events.waitUntilReady();
    return new JobWaiter(queue, events);
  }

  /** Resolves with every job's outcome, or rejects after `timeoutMs` naming how many are left. */
  async wait(
    ids: readonly string[],
    options: { timeoutMs: number; onProgress?: (done: number, total: number) => void },
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
      if (remaining <= 0)
        throw new Error(`${pending.size} of ${ids.length} ${this.#queue.name} jobs did not finish in time`);
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
    return new Map(ids.map((id) => [id, this.#finished.get(id) as JobOutcome]));
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
    await this.#events.close();
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
