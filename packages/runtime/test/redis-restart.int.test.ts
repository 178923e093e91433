import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test-support/free-port.ts";
import { createLogger } from "../src/logger.ts";
import { createMetrics } from "../src/metrics.ts";
import { observeWorker } from "../src/observe-worker.ts";
import { createQueue, createWorker } from "../src/queues.ts";
import { pingRedis } from "../src/redis-check.ts";

/** A private redis-server with AOF, so queued jobs survive its restart as they would in production. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    {
      stdio: "ignore",
    },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await pingRedis(`redis://127.0.0.1:${port}`, 500);
      return child;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGKILL");
  await exited;
}

const processes: ChildProcess[] = [];
afterAll(async () => {
  for (const child of processes) await stop(child);
});

describe("Redis goes away and comes back", () => {
  it("a running worker resumes processing, and a job queued before the outage is not lost", async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "vpa-redis-"));
    const connection = { redisUrl: `redis://127.0.0.1:${port}`, prefix: "vpa-restart" };
    let redis = await startRedis(port, dir);
    processes.push(redis);
    const processed: number[] = [];
    const worker = createWorker(
      "alerts",
      connection,
      async (payload) => void processed.push(payload.signalId),
      {
        concurrency: 1,
      },
    );
    observeWorker(
      worker,
      createMetrics({ collectProcessMetrics: false }),
      createLogger({ level: "silent", secrets: [] }),
    );
    const queue = createQueue("alerts", connection);
    const waitFor = async (signalId: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!processed.includes(signalId)) {
        if (Date.now() > deadline) throw new Error(`job ${signalId} not processed within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await queue.add({ signalId: 1 }, { jobId: "a1" });
      await waitFor(1, 10_000);

      await worker.pause(true);
      await queue.add({ signalId: 2 }, { jobId: "a2" });
      await new Promise((r) => setTimeout(r, 1_100)); // AOF fsync is every second
      await stop(redis);
      void worker.resume(); // resumes fetching once Redis answers again
      await new Promise((r) => setTimeout(r, 1_500));
      // While Redis is down the producer fails (within its 5 s reconnect grace) instead of buffering.
      const started = Date.now();
      await expect(queue.add({ signalId: 99 }, { jobId: "a99" })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(8_000);

      redis = await startRedis(port, dir);
      processes.push(redis);
      await waitFor(2, 20_000);
      await queue.add({ signalId: 3 }, { jobId: "a3" });
      await waitFor(3, 20_000);
      expect(processed).toEqual([1, 2, 3]);
    } finally {
      await worker.close(true).catch(() => {});
      await queue.close().catch(() => {});
    }
  }, 60_000);
});
