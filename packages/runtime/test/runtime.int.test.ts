import { createDatabase } from "@vpa/db";
import { UnrecoverableError } from "bullmq";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_SERVER_URL } from "../../../test-support/database.ts";
import { testQueueConnection } from "../../../test-support/queues.ts";
import { startHealthServer } from "../src/health-server.ts";
import { createMetrics } from "../src/metrics.ts";
import { analyzeJobId, createQueue, createWorker, InvalidJobPayloadError } from "../src/queues.ts";
import { pingRedis } from "../src/redis-check.ts";

const { redisUrl, prefix } = testQueueConnection();

describe("health server", () => {
  const database = createDatabase({ url: TEST_SERVER_URL, maxConnections: 1 });
  afterAll(() => database.close());

  it("answers /health, /ready with each dependency, and /metrics in Prometheus format", async () => {
    const metrics = createMetrics();
    metrics.jobsProcessed.inc({ queue: "analyze" }, 3);
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      checks: [
        { name: "redis", check: () => pingRedis(redisUrl) },
        { name: "postgres", check: async () => void (await sql`select 1`.execute(database.db)) },
      ],
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", postgres: "ok" } });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('vpa_jobs_processed_total{queue="analyze"} 3');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("reports not ready, naming the dependency, when Redis is unreachable", async () => {
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: createMetrics({ collectProcessMetrics: false }).registry,
      checks: [{ name: "redis", check: () => pingRedis("redis://127.0.0.1:1", 500) }],
    });
    try {
      const ready = await fetch(`http://127.0.0.1:${server.port}/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Record<string, string> };
      expect(body.checks.redis).not.toBe("ok");
    } finally {
      await server.close();
    }
  });
});

describe("typed queues", () => {
  const analyze = createQueue("analyze", { redisUrl, prefix });
  afterAll(async () => {
    await analyze.queue.obliterate({ force: true });
    await analyze.close();
  });

  it("refuses a malformed payload before it reaches Redis", async () => {
    await expect(analyze.add({ symbol: "vcb", timeframe: "1D", barTime: "yesterday" })).rejects.toThrow(
      InvalidJobPayloadError,
    );
    expect(await analyze.queue.count()).toBe(0);
  });

  it("derives a job id from symbol and bar, so the same bar is enqueued once", async () => {
    const payload = { symbol: "VCB", timeframe: "15m", barTime: "2024-01-02T09:15:00+07:00" } as const;
    const id = analyzeJobId(payload, "0badcafe");
    expect(id).not.toContain(":");
    await analyze.addBulk([{ payload, jobId: id }]);
    await analyze.addBulk([{ payload, jobId: id }]);
    expect(await analyze.queue.count()).toBe(1);
  });

  it("gives a wider window or a silent re-analysis its own job id: it is different work", () => {
    const payload = { symbol: "VCB", timeframe: "1D", barTime: "2024-01-02" } as const;
    const plain = analyzeJobId(payload, "0badcafe");
    expect(analyzeJobId({ ...payload, signalsSince: "2024-01-02" }, "0badcafe")).toBe(plain);
    const wider = analyzeJobId({ ...payload, signalsSince: "2023-10-04" }, "0badcafe");
    const quiet = analyzeJobId({ ...payload, alert: false }, "0badcafe");
    expect(new Set([plain, wider, quiet]).size).toBe(3);
  });

  it("removes only finished jobs of the given ids, so adding them again does the work again", async () => {
    const payload = { symbol: "FPT", timeframe: "1D", barTime: "2024-01-03" } as const;
    const [failed, completed, waiting] = ["f", "c", "w"].map((tag) => `analyze.test.${tag}`) as [
      string,
      string,
      string,
    ];
    await analyze.addBulk([
      { payload, jobId: failed },
      { payload, jobId: completed },
      { payload, jobId: waiting },
    ]);
    const worker = createWorker(
      "analyze",
      { redisUrl, prefix },
      async (_payload, job) => {
        if (job.id === waiting) await new Promise((resolve) => setTimeout(resolve, 60_000));
        if (job.id === failed) throw new UnrecoverableError("boom");
        return null;
      },
      { concurrency: 3 },
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const [f, c] = await Promise.all([
        analyze.queue.getJobState(failed),
        analyze.queue.getJobState(completed),
      ]);
      if (f === "failed" && c === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await analyze.removeFinished([failed, completed, waiting, "analyze.test.none"])).toBe(1);
    expect(await analyze.queue.getJobState(failed)).toBe("unknown");
    expect(await analyze.queue.getJobState(completed)).toBe("completed");
    expect(await analyze.removeFinished([completed, waiting], { includeCompleted: true })).toBe(1);
    expect(await analyze.queue.getJobState(completed)).toBe("unknown");
    expect(await analyze.queue.getJobState(waiting)).toBe("active");
    await worker.close(true);
  });
});
