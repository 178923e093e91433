import { resolve } from "node:path";
import { analyzeBacktestSymbol, createBacktestUniverse, market, runBacktestOnUniverse } from "@vpa/core";
import { getBacktestRun, loadBacktestTrades, upsertBars, upsertStocks } from "@vpa/db";
import { createLogger, createMetrics, createQueue, JobWaiter } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReplayBarsCsv } from "../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import {
  backtestJobId,
  InvalidBacktestConfigError,
  parseBacktestJobConfig,
  type RunConfigInput,
  startBacktestWorker,
  submitBacktest,
} from "../src/index.ts";

/**
 * A backtest of intraday bars through the queue and the worker: the real VN30F1M minutes of the
 * repo's fixture, stored as 1m bars, and the same minutes stored as a HOSE stock (STOCKX). The
 * stored trades are the engine's on the same bars (the worker's warm-up included); the stock's
 * T+2 and every hold are counted in trading days (sessions); the future settles T+0, so its
 * exits fill within the session.
 */
const BARS = readReplayBarsCsv(resolve(import.meta.dirname, "../../../fixtures/vn30f1m-1m-sample.csv"));
const RUN: RunConfigInput = {
  symbols: ["VN30F1M"],
  timeframe: "1m",
  from: "2023-11-24",
  to: "2023-12-13",
  minScore: 0,
  positionFraction: 1,
  maxPositions: 1,
  stopLoss: 0.003,
  maxHoldDays: 60,
};
const logger = createLogger({ level: "silent", secrets: [] });
const connection = testQueueConnection();
const queue = createQueue("backtest", connection);

let database: TestDatabase;
let worker: Worker | undefined;
let waiter: JobWaiter;

beforeAll(async () => {
  database = await createTestDatabase();
  const ids = await upsertStocks(database.db, [{ symbol: "VN30F1M", exchange: "HNX" }]);
  await upsertBars(database.db, ids.get("VN30F1M")!, "1m", BARS);
  const stock = await upsertStocks(database.db, [{ symbol: "STOCKX", exchange: "HOSE" }]);
  await upsertBars(database.db, stock.get("STOCKX")!, "1m", BARS);
  waiter = await JobWaiter.start(queue.queue, connection);
  worker = startBacktestWorker({
    db: database.db,
    connection,
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger,
    concurrency: 1,
  });
});
afterAll(async () => {
  await worker?.close();
  await waiter?.close();
  await obliterateQueues([queue]);
  await database?.drop();
});

async function runToEnd(runId: string, config: RunConfigInput) {
  await submitBacktest(database.db, queue, connection, { runId, config });
  const outcome = (await waiter.wait([backtestJobId(runId)], { timeoutMs: 60_000 })).get(
    backtestJobId(runId),
  )!;
  expect(outcome.failedReason).toBeNull();
  expect(await getBacktestRun(database.db, runId)).toMatchObject({ status: "completed" });
  return loadBacktestTrades(database.db, runId);
}

describe("intraday backtests through the worker (VN30F1M 1m)", () => {
  it("trades a stock bar by bar as the engine does, selling no earlier than T+2 in trading days", async () => {
    const trades = await runToEnd("intraday-t2", { ...RUN, symbols: ["STOCKX"] });
    // The engine on the same bars: the worker warms up on the days before `from` (all of the fixture's).
    const analyzed = analyzeBacktestSymbol({
      symbol: "STOCKX",
      exchange: "HOSE",
      columns: {
        time: BARS.map((b) => b.time),
        open: Float64Array.from(BARS, (b) => b.open),
        high: Float64Array.from(BARS, (b) => b.high),
        low: Float64Array.from(BARS, (b) => b.low),
        close: Float64Array.from(BARS, (b) => b.close),
        volume: Float64Array.from(BARS, (b) => b.volume),
      },
    });
    const expected = runBacktestOnUniverse(createBacktestUniverse([analyzed], RUN), {
      minScore: 0,
      positionFraction: 1,
      maxPositions: 1,
      stopLoss: 0.003,
      maxHoldDays: 60,
    });
    expect(trades.length).toBeGreaterThan(3);
    expect(trades.map((t) => [t.entryTime, t.exitTime, t.exitReason])).toEqual(
      expected.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason]),
    );
    for (const trade of trades) {
      expect(trade.entryTime).toMatch(/T\d{2}:\d{2}:00\+07:00$/);
      if (trade.exitReason !== "end_of_period")
        expect(trade.exitTime.slice(0, 10) >= market.addTradingDays(trade.entryTime.slice(0, 10), 2)).toBe(
          true,
        );
    }
  });

  it("sells a VN30 future within the session (T+0) and counts its holds in sessions", async () => {
    const trades = await runToEnd("intraday-t0", {
      ...RUN,
      maxHoldDays: 2,
      stopLoss: null,
      exitOnBearSignal: false,
    });
    const maxHold = trades.filter((t) => t.exitReason === "max_hold");
    expect(maxHold.length).toBeGreaterThan(0);
    for (const trade of maxHold) expect(trade.holdingDays).toBe(3); // sold at the third session's open
    const withStop = await runToEnd("intraday-t0-stop", RUN);
    expect(
      withStop.some(
        (t) => t.exitReason !== "end_of_period" && t.exitTime.slice(0, 10) === t.entryTime.slice(0, 10),
      ),
    ).toBe(true);
  });

  it("flat at the close (exitAtSessionEnd): a day trader's future is never carried overnight", async () => {
    const trades = await runToEnd("intraday-flat", { ...RUN, exitAtSessionEnd: true });
    expect(trades.length).toBeGreaterThan(3);
    for (const trade of trades) expect(trade.exitTime.slice(0, 10)).toBe(trade.entryTime.slice(0, 10));
    expect(trades.some((t) => t.exitReason === "session_end")).toBe(true);
  });

  it("on margin (futuresMargin): the same day trades with ~4.7× the contracts, each return on its deposit", async () => {
    const whole = await runToEnd("intraday-flat-whole", { ...RUN, exitAtSessionEnd: true });
    const margin = await runToEnd("intraday-flat-margin", {
      ...RUN,
      exitAtSessionEnd: true,
      futuresMargin: 0.2125,
    });
    // A 0.3 % stop and flat at each close: no position comes near the forced close's ~3 % fall.
    expect(margin.map((t) => [t.entryTime, t.exitTime, t.exitReason])).toEqual(
      whole.map((t) => [t.entryTime, t.exitTime, t.exitReason]),
    );
    expect(margin.length).toBeGreaterThan(3);
    for (const [i, trade] of margin.entries()) {
      const paid = whole[i]!;
      // Whole contracts: 1 bn VND pays for ~9 at ~1,100 points, or deposits for ~42.
      expect(trade.quantity / paid.quantity).toBeGreaterThan(4);
      expect(trade.quantity % 100).toBe(0);
      const deposit = trade.entryPrice * trade.quantity * 0.2125;
      const entryCosts =
        (trade.quantity / 100) * market.INDEX_FUTURE_FEES_PER_CONTRACT_VND +
        trade.entryPrice * trade.quantity * market.INDEX_FUTURE_TAX_RATE;
      expect(trade.netReturn).toBeCloseTo(trade.netPnl / (deposit + entryCosts), 8);
      // The index's move, 4.7 times over (less the costs, also on the deposit).
      const move = trade.exitPrice / trade.entryPrice - 1;
      expect(Math.abs(trade.netReturn - move / 0.2125)).toBeLessThan(0.01);
    }
    const run = await getBacktestRun(database.db, "intraday-flat-margin");
    expect(run).toMatchObject({ status: "completed" });
  });

  it("refuses a futures margin under brokers' least deposit, naming the field and the reason", () => {
    expect(() => parseBacktestJobConfig({ ...RUN, futuresMargin: 0.17 })).toThrow(
      /futuresMargin: from 0.2125 \(VSDC's initial margin 0.17 at 80 % usage\)/,
    );
    expect(() =>
      parseBacktestJobConfig({ ...RUN, futuresMargin: 0.25, futuresForcedCloseUsage: 0.6 }),
    ).toThrow(/futuresForcedCloseUsage: above the usage at the entry/);
  });

  it("refuses flat at the close on daily bars, naming the field", () => {
    expect(() =>
      parseBacktestJobConfig({
        symbols: ["VN30F1M"],
        from: "2023-11-24",
        to: "2023-12-13",
        exitAtSessionEnd: true,
      }),
    ).toThrow(InvalidBacktestConfigError);
    expect(() =>
      parseBacktestJobConfig({
        symbols: ["VN30F1M"],
        from: "2023-11-24",
        to: "2023-12-13",
        exitAtSessionEnd: true,
      }),
    ).toThrow(/exitAtSessionEnd: flat at the close needs intraday bars/);
  });
});
