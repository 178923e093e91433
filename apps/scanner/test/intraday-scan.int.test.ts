import { resolve } from "node:path";
import { analyze, type SignalRecord } from "@vpa/core";
import { listSignals, loadRecentBars, type Timeframe, upsertStocks } from "@vpa/db";
import { createQueue, JobWaiter } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type AnalyzeResult, importBars, scanMarket } from "../src/index.ts";
import { startTestAnalyzeWorker } from "./test-analyze-worker.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const FIXTURES: Readonly<Record<"1m" | "15m", string>> = {
  "1m": resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv"),
  "15m": resolve(ROOT, "fixtures/vn30f1m-15m-sample.csv"),
};
const SYMBOL = "VN30F1M";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  for (const [timeframe, file] of Object.entries(FIXTURES)) {
    await importBars(database.db, [file], {
      timeframe: timeframe as Timeframe,
      symbol: SYMBOL,
      todayLocal: "2026-01-01",
    });
  }
});
afterAll(async () => {
  await database?.drop();
});

/** The signals a full-history analysis finds at or after `since` (compared as instants). */
async function expectedSignals(timeframe: Timeframe, lookbackDays: number): Promise<SignalRecord[]> {
  const ids = await upsertStocks(database.db, [{ symbol: SYMBOL }]);
  const bars = await loadRecentBars(database.db, { stockId: ids.get(SYMBOL)!, timeframe, limit: 100_000 });
  const sinceMs = Date.parse(bars.at(-1)!.time) - lookbackDays * 86_400_000;
  return analyze(SYMBOL, bars).filter(
    (r): r is SignalRecord => r.kind === "signal" && Date.parse(r.time) >= sinceMs,
  );
}

describe("vpa scan on intraday bars with --lookback-days", () => {
  for (const [timeframe, lookbackDays] of [
    ["15m", 30],
    ["1m", 5],
  ] as const) {
    it(`${timeframe}, ${lookbackDays} days back: the scan is accepted and stores every signal of the window`, async () => {
      const connection = testQueueConnection();
      const analyzeQueue = createQueue("analyze", connection);
      const alertsQueue = createQueue("alerts", connection);
      const waiter = await JobWaiter.start(analyzeQueue.queue, connection);
      let worker: Worker | undefined;
      try {
        worker = startTestAnalyzeWorker({
          db: database.db,
          connection,
          alertsQueue,
          concurrency: 1,
          lookbackBars: 5_000,
        });
        // Before the fix the window's start was `...T02:15:00.000Z`: refused as INVALID_JOB_PAYLOAD.
        const plan = await scanMarket(database.db, analyzeQueue, {
          timeframe,
          symbols: [SYMBOL],
          lookbackDays,
        });
        const outcomes = await waiter.wait(plan.jobIds, { timeoutMs: 30_000 });
        const [result] = [...outcomes.values()];
        expect(result?.failedReason).toBeNull();
        expect((result?.returnValue as AnalyzeResult | undefined)?.bars).toBeGreaterThan(40);
        const expected = await expectedSignals(timeframe, lookbackDays);
        expect(expected.length).toBeGreaterThan(3);
        const stored = await listSignals(database.db, { symbol: SYMBOL, timeframe, limit: 10_000 });
        const key = (s: { time: string; type: string; score: number }) => `${s.time} ${s.type} ${s.score}`;
        expect(stored.map(key).sort()).toEqual(expected.map(key).sort());
      } finally {
        await worker?.close();
        await waiter.close();
        await obliterateQueues([analyzeQueue, alertsQueue]);
      }
    }, 60_000);
  }
});
