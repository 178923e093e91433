import type { QueueConnection } from "@vpa/runtime";
import { type Queue, QueueEvents } from "bullmq";

/**
 * Waits until every given job of a (fresh, bench-only) queue has completed or failed. Subscribe
 * with `start` BEFORE enqueueing; completions arrive on the queue's event stream, and a check of
 * the job counts every second covers any event the stream dropped.
 */
export class WaitAll {
  readonly #events: QueueEvents;
  readonly #finished = new Set<string>();
  #notify: () => void = () => {};

  private constructor(events: QueueEvents) {
    this.#events = events;
    const done = ({ jobId }: { jobId: string }) => {
      this.#finished.add(jobId);
      this.#notify();
    };
    events.on("completed", done);
    events.on("failed", done);
    events.on("error", () => {});
  }

  static async start(queue: Queue, connection: QueueConnection): Promise<WaitAll> {
    const events = new QueueEvents(queue.name, {
      connection: { url: connection.redisUrl, maxRetriesPerRequest: null },
      prefix: connection.prefix,
    });
    await events.waitUntilReady();
    return new WaitAll(events);
  }

  async wait(queue: Queue, ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const allDone = () => ids.every((id) => this.#finished.has(id));
    while (!allDone()) {
      if (Date.now() > deadline) throw new Error(`${queue.name}: jobs did not finish in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        this.#notify = () => {
          if (this.#finished.size < ids.length) return;
          clearTimeout(timer);
          resolve();
        };
      });
      this.#notify = () => {};
      if (!allDone()) {
        const counts = await queue.getJobCounts("completed", "failed");
        if ((counts.completed ?? 0) + (counts.failed ?? 0) >= ids.length) return;
      }
    }
  }

  async close(): Promise<void> {
    await this.#events.close();
  }
}
