import { resolve } from "node:path";
import { analyze, type SignalRecord } from "@vpa/core";
import { ensureAlert, listSignals, loadRecentBars, settleAlert, upsertStocks } from "@vpa/db";
import { createQueue, createWorker, JobWaiter, unrecoverable } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type AnalyzeResult, importBars, scanMarket } from "../src/index.ts";
import { startTestAnalyzeWorker } from "./test-analyze-worker.ts";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/vn30-daily-2018-2021.csv.gz");
const SYMBOLS = ["FPT", "HPG", "VCB", "VNM", "SSI"];
const LOOKBACK_DAYS = 60;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await importBars(database.db, [FIXTURE], { todayLocal: "2026-01-01" });
});
afterAll(async () => {
  await database?.drop();
});

/** One scan through real BullMQ queues and a real analyze worker; returns the analyze job results. */
async function scanOnce(
  symbols: readonly string[],
): Promise<{ results: AnalyzeResult[]; alertJobsQueued: number }> {
  const connection = testQueueConnection();
  const analyzeQueue = createQueue("analyze", connection);
  const alertsQueue = createQueue("alerts", connection);
  const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
  let worker: Worker | undefined;
  try {
    worker = startTestAnalyzeWorker({ db: database.db, connection, alertsQueue, concurrency: 4 });
    // Chunks of 2: two jobs of two symbols and one of one, so both shapes of job run.
    const plan = await scanMarket(database.db, analyzeQueue, {
      timeframe: "1D",
      symbols,
      lookbackDays: LOOKBACK_DAYS,
      chunkSize: 2,
    });
    expect(plan.missing).toEqual([]);
    expect(plan.jobIds).toHaveLength(Math.ceil(symbols.length / 2));
    const outcomes = await waiter.wait(plan.jobIds, { timeoutMs: 20_000 });
    const results = [...outcomes.values()].map((o) => {
      expect(o.failedReason).toBeNull();
      return o.returnValue as AnalyzeResult;
    });
    return { results, alertJobsQueued: await alertsQueue.queue.count() };
  } finally {
    await worker?.close();
    await waiter.close();
    await obliterateQueues([analyzeQueue, alertsQueue]);
  }
}

/** What the analyzer says about the whole stored history, for the bars in the scan's window. */
async function expectedSignals(symbol: string): Promise<SignalRecord[]> {
  const ids = await upsertStocks(database.db, [{ symbol }]);
  const bars = await loadRecentBars(database.db, {
    stockId: ids.get(symbol)!,
    timeframe: "1D",
    limit: 100_000,
  });
  const newest = bars.at(-1)!.time;
  const since = new Date(Date.parse(`${newest}T00:00:00Z`) - LOOKBACK_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return analyze(symbol, bars).filter((r): r is SignalRecord => r.kind === "signal" && r.time >= since);
}

describe("scan → analyze worker → signals", () => {
  it("stores exactly the signals a full-history analysis finds in the window, and queues their alerts", async () => {
    const { results, alertJobsQueued } = await scanOnce(SYMBOLS);
    expect(results.flatMap((r) => r.symbols).sort()).toEqual([...SYMBOLS].sort());
    for (const symbol of SYMBOLS) {
      const stored = await listSignals(database.db, { symbol, limit: 1000 });
      const expected = await expectedSignals(symbol);
      const key = (s: { time: string; type: string; score: number; confidence: number; bias: string }) =>
        `${s.time} ${s.type} ${s.bias} ${s.score} ${s.confidence.toFixed(2)}`;
      expect(stored.map(key).sort(), symbol).toEqual(expected.map(key).sort());
    }
    const total = results.reduce((sum, r) => sum + r.newSignals, 0);
    expect(total).toBeGreaterThan(5);
    expect(alertJobsQueued).toBe(total);
  });

  it("a second scan stores nothing new; it re-queues only alerts still owed", async () => {
    const stored = await listSignals(database.db, { limit: 100_000 });
    // No alert worker ran yet: as after a crash between storing and alerting, a re-scan recovers.
    const recovery = await scanOnce(SYMBOLS);
    expect(recovery.results.reduce((sum, r) => sum + r.newSignals, 0)).toBe(0);
    expect(recovery.alertJobsQueued).toBe(stored.length);
    // Once every alert is settled (delivered), a re-scan is silent.
    for (const signal of stored) {
      const alertId = await ensureAlert(database.db, {
        signalId: signal.id,
        priority: signal.priority,
        message: "sent",
      });
      await settleAlert(database.db, alertId, "done");
    }
    const again = await scanOnce(SYMBOLS);
    expect(again.results.reduce((sum, r) => sum + r.newSignals, 0)).toBe(0);
    expect(again.alertJobsQueued).toBe(0);
    expect((await listSignals(database.db, { limit: 100_000 })).length).toBe(stored.length);
  });

  it("reports a requested symbol that has no bars instead of silently skipping it", async () => {
    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    try {
      const plan = await scanMarket(database.db, analyzeQueue, { timeframe: "1D", symbols: ["FPT", "NOPE"] });
      expect(plan.missing).toEqual(["NOPE"]);
      expect(plan.symbols).toEqual(["FPT"]);
    } finally {
      await obliterateQueues([analyzeQueue]);
    }
  });

  it("a new database on the same Redis and prefix (e.g. dropped and recreated) gets its own job ids, so it is analysed again", async () => {
    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    const alertsQueue = createQueue("alerts", connection);
    const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
    const worker = startTestAnalyzeWorker({ db: database.db, connection, alertsQueue });
    const scan = async (db: typeof database.db) => {
      const plan = await scanMarket(db, analyzeQueue, {
        timeframe: "1D",
        symbols: ["VCB"],
        lookbackDays: LOOKBACK_DAYS,
      });
      return plan.jobIds;
    };
    try {
      const first = await scan(database.db);
      await waiter.wait(first, { timeoutMs: 10_000 });
      // The same bars in a brand-new database: its scan must get new job ids (same Redis, same prefix).
      const other = await createTestDatabase();
      try {
        await importBars(other.db, [FIXTURE], { todayLocal: "2026-01-01" });
        const second = await scan(other.db);
        expect(second).not.toEqual(first);
        expect(second[0]).toMatch(/^analyze\.[0-9a-f]{8}\.1D\.VCB\.2021-07-15(\.from-[0-9-]+)?$/);
      } finally {
        await other.drop();
      }
    } finally {
      await worker.close();
      await waiter.close();
      await obliterateQueues([analyzeQueue, alertsQueue]);
    }
  });

  it("never hides work behind a job id: a failed scan is redone, a wider window is new work, --force redoes all", async () => {
    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    const alertsQueue = createQueue("alerts", connection);
    const symbols = ["FPT", "HPG"];
    const scan = async (options: { lookbackDays?: number; force?: boolean } = {}) => {
      // A waiter per scan, as `vpa scan --wait` has: one remembers the outcome of every job id it saw.
      const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
      try {
        const plan = await scanMarket(database.db, analyzeQueue, { timeframe: "1D", symbols, ...options });
        const outcomes = await waiter.wait(plan.jobIds, { timeoutMs: 20_000 });
        return { plan, outcomes: [...outcomes.values()] };
      } finally {
        await waiter.close();
      }
    };
    try {
      // A scan whose jobs fail for good (say PostgreSQL stayed away past the retry budget).
      const broken = createWorker(
        "analyze",
        connection,
        async () => {
          throw unrecoverable(new Error("gave up after 30 min of retries: connect ECONNREFUSED"));
        },
        { concurrency: 2 },
      );
      const failed = await scan();
      // Both symbols in one job (the default chunk holds 100).
      expect(failed.outcomes.map((o) => o.state)).toEqual(["failed"]);
      await broken.close();

      const worker = startTestAnalyzeWorker({ db: database.db, connection, alertsQueue });
      try {
        const redone = await scan();
        expect(redone.plan.replaced).toBe(1);
        expect(redone.outcomes.map((o) => o.state)).toEqual(["completed"]);
        const doneAt = Math.max(...redone.outcomes.map((o) => o.finishedOn));

        const same = await scan();
        expect(same.plan.replaced).toBe(0);
        expect(same.outcomes.every((o) => o.finishedOn <= doneAt)).toBe(true);

        const wider = await scan({ lookbackDays: 90 });
        expect(wider.plan.jobIds).not.toEqual(same.plan.jobIds);
        expect(wider.outcomes.every((o) => o.state === "completed" && o.finishedOn > doneAt)).toBe(true);

        const forced = await scan({ force: true });
        expect(forced.plan.replaced).toBe(1);
        expect(forced.outcomes.every((o) => o.state === "completed" && o.finishedOn > doneAt)).toBe(true);
      } finally {
        await worker.close();
      }
    } finally {
      await obliterateQueues([analyzeQueue, alertsQueue]);
    }
  });
});
