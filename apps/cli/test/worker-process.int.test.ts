import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

async function waitForHttp(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("vpa worker", () => {
  for (const kind of ["scanner", "alerts", "backtest"] as const) {
    it(`${kind}: serves /health, /ready and /metrics, then stops cleanly on SIGTERM`, async () => {
      const port = await freePort();
      const queues = testQueueConnection();
      const child: ChildProcess = spawn(
        resolve(ROOT, "node_modules/.bin/node"),
        ["apps/cli/src/main.ts", "worker", kind],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? "",
            DATABASE_URL: database.url,
            REDIS_URL: queues.redisUrl,
            QUEUE_PREFIX: queues.prefix,
            HTTP_PORT: String(port),
            LOG_LEVEL: "info",
            SHUTDOWN_TIMEOUT_MS: "5000",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout?.on("data", (chunk) => (output += chunk));
      child.stderr?.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      let exitCode: number | null = null;
      try {
        // /health answers from the start of the start (the port is taken first); the worker has
        // started when it says so.
        await waitFor(() => output.includes('"worker started"'), 20_000);
        const health = await waitForHttp(`http://127.0.0.1:${port}/health`, 20_000);
        expect(health.status).toBe(200);
        const ready = await fetch(`http://127.0.0.1:${port}/ready`);
        expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", postgres: "ok" } });
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toContain("vpa_jobs_processed_total");
        expect(metrics).toContain("bullmq_job_count");
      } finally {
        child.kill("SIGTERM");
        exitCode = await exited;
        // The scanner registers its scan schedules on start, and every worker opens its queues:
        // they outlive the process by design (a deployment keeps them), so the test removes them.
        await removeQueuePrefix(queues);
      }
      expect(exitCode).toBe(0);
      const lines = output
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["worker started", "shutting down"]));
    });
  }
});
