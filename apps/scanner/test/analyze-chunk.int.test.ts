import { resolve } from "node:path";
import { listSignals } from "@vpa/db";
import { createMetrics, createQueue, JobWaiter } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type AnalyzeResult, importBars } from "../src/index.ts";
import { startTestAnalyzeWorker } from "./test-analyze-worker.ts";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/vn30-daily-2018-2021.csv.gz");
/** A window wide enough that each symbol has signals in it (the fixture ends 2021-07-15). */
const SINCE = "2021-03-01";
const BAR = "2021-07-15";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await importBars(database.db, [FIXTURE], { todayLocal: "2026-01-01" });
});
afterAll(async () => {
  await database?.drop();
});

/** Enqueues these analyze payloads and runs a real analyze worker until each job has ended. */
async function runJobs(jobs: { payload: unknown; jobId: string }[]) {
  const connection = testQueueConnection();
  const analyzeQueue = createQueue("analyze", connection);
  const alertsQueue = createQueue("alerts", connection);
  const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
  const metrics = createMetrics({ collectProcessMetrics: false });
  const worker = startTestAnalyzeWorker({ db: database.db, connection, alertsQueue, metrics });
  try {
    for (const job of jobs) await analyzeQueue.add(job.payload as never, { jobId: job.jobId });
    const outcomes = await waiter.wait(
      jobs.map((j) => j.jobId),
      { timeoutMs: 20_000 },
    );
    const alertJobs = await alertsQueue.queue.getJobs(["waiting", "prioritized"]);
    const analysed = await metrics.registry.getSingleMetricAsString("vpa_symbols_analyzed_total");
    return { outcomes, alertJobIds: alertJobs.map((j) => j.id).sort(), analysed };
  } finally {
    await worker.close();
    await waiter.close();
    await obliterateQueues([analyzeQueue, alertsQueue]);
  }
}

describe("an analyze job of a chunk of symbols", () => {
  it("stores and alerts the good symbols when one symbol fails, and fails naming that symbol only", async () => {
    const { outcomes, alertJobIds, analysed } = await runJobs([
      {
        jobId: "analyze.test.isolation",
        payload: {
          timeframe: "1D",
          symbols: [
            { symbol: "FPT", barTime: BAR, signalsSince: SINCE },
            { symbol: "NOPE", barTime: BAR, signalsSince: SINCE },
            { symbol: "HPG", barTime: BAR, signalsSince: SINCE },
          ],
        },
      },
    ]);
    const outcome = outcomes.get("analyze.test.isolation");
    expect(outcome?.state).toBe("failed");
    expect(outcome?.failedReason).toMatch(
      /^1 of 3 symbols failed, the others were stored: NOPE \(UNKNOWN_SYMBOL/,
    );
    // No retry can import an unknown symbol: the job failed on its first attempt.
    const fpt = await listSignals(database.db, { symbol: "FPT", since: SINCE, limit: 1000 });
    const hpg = await listSignals(database.db, { symbol: "HPG", since: SINCE, limit: 1000 });
    expect(fpt.length).toBeGreaterThan(0);
    expect(hpg.length).toBeGreaterThan(0);
    expect(alertJobIds).toEqual([...fpt, ...hpg].map((s) => `alert.${s.id}`).sort());
    // The scan's throughput counts symbols, the failed one apart.
    expect(analysed).toContain('vpa_symbols_analyzed_total{outcome="analysed"} 2');
    expect(analysed).toContain('vpa_symbols_analyzed_total{outcome="failed"} 1');
  });

  it("runs a job queued in the one-symbol shape of an older version (no failure during an upgrade)", async () => {
    const { outcomes } = await runJobs([
      {
        jobId: "analyze.test.legacy",
        payload: { symbol: "VCB", timeframe: "1D", barTime: BAR, signalsSince: SINCE },
      },
    ]);
    const outcome = outcomes.get("analyze.test.legacy");
    expect(outcome?.state).toBe("completed");
    const result = outcome?.returnValue as AnalyzeResult;
    expect(result.symbols).toEqual(["VCB"]);
    expect(result.newSignals).toBe((await listSignals(database.db, { symbol: "VCB", limit: 1000 })).length);
    expect(result.newSignals).toBeGreaterThan(0);
  });
});
