/**
 * A history backfill (`vpa scan --lookback-days N --no-alerts`): every signal of years of stored
 * bars, as a full-history analysis finds them, stored without alerting anyone, so the track record
 * has a history from the first day. A later scan still alerts the signals of its own window.
 */
import { resolve } from "node:path";
import { analyze, type SignalRecord } from "@vpa/core";
import { listSignals, loadRecentBars, upsertStocks } from "@vpa/db";
import { createQueue, JobWaiter } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type AnalyzeResult, importBars, type ScanOptions, scanMarket } from "../src/index.ts";
import { startTestAnalyzeWorker } from "./test-analyze-worker.ts";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/vn30-daily-2018-2021.csv.gz");
/** FPT has 1,495 daily bars (2018 → 2024), VCB 881: both far more than the 250 of a scan's warm-up. */
const SYMBOLS = ["FPT", "VCB"];

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await importBars(database.db, [FIXTURE], { todayLocal: "2026-01-01" });
});
afterAll(async () => {
  await database?.drop();
});

/** One scan through real queues and a real analyze worker (SCAN_LOOKBACK_BARS 250, as deployed). */
async function scan(options: Omit<ScanOptions, "timeframe" | "symbols" | "digestQueue">) {
  const connection = testQueueConnection();
  const analyzeQueue = createQueue("analyze", connection);
  const alertsQueue = createQueue("alerts", connection);
  const digestQueue = createQueue("digests", connection);
  const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
  const worker = startTestAnalyzeWorker({ db: database.db, connection, alertsQueue });
  try {
    const plan = await scanMarket(database.db, analyzeQueue, {
      timeframe: "1D",
      symbols: SYMBOLS,
      digestQueue,
      ...options,
    });
    const outcomes = await waiter.wait(plan.jobIds, { timeoutMs: 30_000 });
    const results = [...outcomes.values()].map((outcome) => {
      expect(outcome.failedReason).toBeNull();
      return outcome.returnValue as AnalyzeResult;
    });
    return {
      plan,
      newSignals: results.reduce((sum, r) => sum + r.newSignals, 0),
      alertJobsQueued: await alertsQueue.queue.count(),
      digestJobsQueued: await digestQueue.queue.count(),
    };
  } finally {
    await worker.close();
    await waiter.close();
    await obliterateQueues([analyzeQueue, alertsQueue, digestQueue]);
  }
}

async function fullHistorySignals(symbol: string): Promise<SignalRecord[]> {
  const ids = await upsertStocks(database.db, [{ symbol }]);
  const bars = await loadRecentBars(database.db, {
    stockId: ids.get(symbol)!,
    timeframe: "1D",
    limit: 100_000,
  });
  return analyze(symbol, bars).filter((r): r is SignalRecord => r.kind === "signal");
}

const key = (s: { time: string; type: string; bias: string; score: number; confidence: number }) =>
  `${s.time} ${s.type} ${s.bias} ${s.score} ${s.confidence.toFixed(2)}`;

describe("a history backfill (alert: false, a look-back longer than the warm-up)", () => {
  it("stores every signal of the whole history, as a full-history analysis finds them, and alerts nobody", async () => {
    const backfill = await scan({ lookbackDays: 36_500, alert: false });
    expect(backfill.alertJobsQueued).toBe(0);
    expect(backfill.digestJobsQueued).toBe(0);
    expect(backfill.plan.scanId).toBeNull();
    for (const symbol of SYMBOLS) {
      const stored = await listSignals(database.db, { symbol, limit: 100_000 });
      const expected = await fullHistorySignals(symbol);
      // Years of signals, from the first bars after the warm-up, not the last 250 bars' only.
      expect(expected.length, symbol).toBeGreaterThan(100);
      expect(stored.map(key).sort(), symbol).toEqual(expected.map(key).sort());
      expect(stored.map((s) => s.time).sort()[0]! < "2018-06-01", symbol).toBe(true);
    }
    expect(backfill.newSignals).toBe((await listSignals(database.db, { limit: 100_000 })).length);
  }, 60_000);

  it("reads a history in jobs of at most 25 symbols, a day's scan in jobs of 100", async () => {
    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    try {
      const history = await scanMarket(database.db, analyzeQueue, {
        timeframe: "1D",
        lookbackDays: 36_500,
        alert: false,
      });
      expect(history.symbols).toHaveLength(30);
      expect(history.jobIds).toHaveLength(2);
      const daily = await scanMarket(database.db, analyzeQueue, {
        timeframe: "1D",
        lookbackDays: 30,
        alert: false,
      });
      expect(daily.jobIds).toHaveLength(1);
    } finally {
      await obliterateQueues([analyzeQueue]);
    }
  });

  it("leaves a later scan's window owed: its signals are alerted, none stored twice", async () => {
    const stored = (await listSignals(database.db, { limit: 100_000 })).length;
    const daily = await scan({ lookbackDays: 30 });
    expect(daily.newSignals).toBe(0);
    expect(daily.alertJobsQueued).toBeGreaterThan(0);
    expect(daily.alertJobsQueued).toBeLessThan(stored / 10);
    expect(daily.plan.scanId).not.toBeNull();
    expect((await listSignals(database.db, { limit: 100_000 })).length).toBe(stored);
  }, 60_000);
});
