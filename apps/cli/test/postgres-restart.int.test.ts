import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDatabase, listSignals, migrateToLatest } from "@vpa/db";
import { servicesDown, servicesUp } from "@vpa/dev-services";
import { createLogger, createMetrics, createQueue, JobWaiter } from "@vpa/runtime";
import { importBars, scanMarket, startAnalyzeWorker } from "@vpa/scanner";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test-support/free-port.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/vn30-daily-2018-2021.csv.gz");

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe("PostgreSQL goes away and comes back", () => {
  it("an analyze job that fails while the database is down is retried and stores its signals once it is back", async () => {
    // A private PostgreSQL of our own (the fresh-machine path of vpa services), which we can stop.
    const dataDir = await mkdtemp(join(tmpdir(), "vpa-pg-restart-"));
    const databaseUrl = `postgres://postgres@127.0.0.1:${await freePort()}/vpa_restart`;
    const options = { dataDir, databaseUrl, redisUrl: testQueueConnection().redisUrl, allowInstall: false };
    await servicesUp(options);
    cleanups.push(async () => {
      await servicesDown(options);
      await rm(dataDir, { recursive: true, force: true });
    });
    const database = createDatabase({ url: databaseUrl, connectionTimeoutMs: 1_000 });
    cleanups.push(() => database.close());
    await migrateToLatest(database.db);
    await importBars(database.db, [FIXTURE], { todayLocal: "2026-01-01" });

    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    const alertsQueue = createQueue("alerts", connection);
    cleanups.push(() => obliterateQueues([analyzeQueue, alertsQueue]));
    const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
    cleanups.push(() => waiter.close());

    // Enqueue while the database is up, then take it away before any worker runs the job.
    const plan = await scanMarket(database.db, analyzeQueue, {
      timeframe: "1D",
      symbols: ["VCB"],
      lookbackDays: 60,
    });
    await servicesDown(options);

    const worker = startAnalyzeWorker({
      db: database.db,
      connection,
      alertsQueue,
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger: createLogger({ level: "silent", secrets: [] }),
      concurrency: 1,
      lookbackBars: 250,
    });
    cleanups.push(() => worker.close());
    // The first attempt fails (connection refused); BullMQ retries with backoff (1 s, 2 s, ...).
    await new Promise((r) => setTimeout(r, 1_500));
    const job = await analyzeQueue.queue.getJob(plan.jobIds[0]!);
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(1);

    await servicesUp(options);
    const outcomes = await waiter.wait(plan.jobIds, { timeoutMs: 30_000 });
    expect(outcomes.get(plan.jobIds[0]!)?.state).toBe("completed");
    expect((await listSignals(database.db, { symbol: "VCB" })).length).toBeGreaterThan(0);
  }, 60_000);
});
