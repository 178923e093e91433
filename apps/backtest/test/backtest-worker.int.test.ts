import { analyzeBacktestSymbol, createBacktestUniverse, runBacktestOnUniverse } from "@vpa/core";
import {
  getBacktestRun,
  loadBacktestEquity,
  loadBacktestTrades,
  requestBacktestCancel,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { createLogger, createMetrics, createQueue, JobWaiter } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
} from "../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import {
  backtestJobId,
  cancelBacktest,
  loadBacktestReport,
  type RunConfigInput,
  type SweepReport,
  startBacktestWorker,
  submitBacktest,
} from "../src/index.ts";

const SYMBOLS = ["FPT", "HPG", "VCB", "VNM", "SSI", "MWG"];
const RUN: RunConfigInput = {
  symbols: SYMBOLS,
  from: "2019-06-01",
  to: "2021-12-31",
  minScore: 50,
  maxHoldDays: 20,
};
const logger = createLogger({ level: "silent", secrets: [] });
const connection = testQueueConnection();
const queue = createQueue("backtest", connection);

let database: TestDatabase;
let worker: Worker | undefined;
let waiter: JobWaiter;
let dataset: Awaited<ReturnType<typeof readDailyBarsCsvGz>>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataset = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH, new Set(SYMBOLS));
  const ids = await upsertStocks(
    database.db,
    SYMBOLS.map((symbol) => ({ symbol, exchange: "HOSE" as const })),
  );
  for (const series of dataset.series) {
    const c = series.columns;
    await upsertBars(
      database.db,
      ids.get(series.symbol)!,
      "1D",
      c.time.map((time, i) => ({
        time,
        open: c.open[i]!,
        high: c.high[i]!,
        low: c.low[i]!,
        close: c.close[i]!,
        volume: c.volume[i]!,
      })),
    );
  }
  waiter = await JobWaiter.start(queue.queue, connection);
});

afterAll(async () => {
  await worker?.close();
  await waiter?.close();
  await obliterateQueues([queue]);
  await database?.drop();
});

function startWorker(): Worker {
  worker ??= startBacktestWorker({
    db: database.db,
    connection,
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger,
    concurrency: 2,
  });
  return worker;
}

describe("backtest queue and worker", () => {
  it("stores exactly what the engine computes on the same bars, and re-submission is idempotent", async () => {
    startWorker();
    const submitted = await submitBacktest(database.db, queue, connection, { runId: "int-run", config: RUN });
    expect(submitted).toMatchObject({ runId: "int-run", created: true, status: "queued" });
    const outcome = (await waiter.wait([backtestJobId("int-run")], { timeoutMs: 30_000 })).get(
      backtestJobId("int-run"),
    )!;
    expect(outcome.failedReason).toBeNull();

    // The same engine call, directly on the fixture's bars (the worker adds a warm-up before `from`).
    const analyzed = dataset.series.map((s) =>
      analyzeBacktestSymbol({ symbol: s.symbol, exchange: "HOSE", columns: s.columns }),
    );
    const expected = runBacktestOnUniverse(createBacktestUniverse(analyzed, { from: RUN.from, to: RUN.to }), {
      minScore: 50,
      maxHoldDays: 20,
    });
    const trades = await loadBacktestTrades(database.db, "int-run");
    expect(trades.length).toBe(expected.trades.length);
    expect(trades.map((t) => [t.symbol, t.entryTime, t.exitTime, t.quantity, t.exitReason])).toEqual(
      expected.trades.map((t) => [t.symbol, t.entryTime, t.exitTime, t.quantity, t.exitReason]),
    );
    const equity = await loadBacktestEquity(database.db, "int-run");
    expect(equity?.time).toEqual(expected.equity.time);
    expect(equity?.equity.at(-1)).toBeCloseTo(expected.metrics.finalEquity, 4);
    const run = await getBacktestRun(database.db, "int-run");
    expect(run).toMatchObject({ status: "completed", progress: 1 });

    const again = await submitBacktest(database.db, queue, connection, { runId: "int-run", config: RUN });
    expect(again).toMatchObject({ created: false, status: "completed" });
    await expect(
      submitBacktest(database.db, queue, connection, { runId: "int-run", config: { ...RUN, minScore: 90 } }),
    ).rejects.toThrow("already exists with a different config");
  });

  it("rejects a bad config with a clear message, without retrying", async () => {
    startWorker();
    await expect(
      submitBacktest(database.db, queue, connection, { config: { ...RUN, minScore: 200, stopLoss: 2 } }),
    ).rejects.toThrow(/minScore.*; stopLoss/);
    // A malformed job that reaches the queue anyway (another producer) fails once, with the reason.
    await queue.add(
      { runId: "bad-config", config: { symbols: "VN30", from: "2020-13-01", to: "2020-01-01" } },
      { jobId: "bad" },
    );
    const outcome = (await waiter.wait(["bad"], { timeoutMs: 20_000 })).get("bad")!;
    expect(outcome.state).toBe("failed");
    expect(outcome.failedReason).toContain("from: is not a calendar date");
    expect((await queue.queue.getJob("bad"))?.attemptsMade).toBe(1);
  });

  it("runs a sweep as a flow: one child per combination, ranked when the last one finishes", async () => {
    startWorker();
    const submitted = await submitBacktest(database.db, queue, connection, {
      runId: "int-sweep",
      config: {
        kind: "sweep",
        base: RUN,
        grid: [
          { key: "minScore", values: [50, 70] },
          { key: "stopLoss", values: [0.05, null] },
        ],
        rankBy: "totalReturn",
      },
    });
    expect(submitted.children).toEqual(["int-sweep-001", "int-sweep-002", "int-sweep-003", "int-sweep-004"]);
    await waiter.wait([backtestJobId("int-sweep")], { timeoutMs: 60_000 });
    const loaded = await loadBacktestReport(database.db, "int-sweep");
    const report = loaded?.report as SweepReport;
    expect(report.ranking.map((r) => r.params)).toHaveLength(4);
    const returns = report.ranking.map((r) => r.metrics!.totalReturn);
    expect(returns).toEqual([...returns].sort((a, b) => b - a));
    // Each ranked figure is the child's own stored result.
    for (const row of report.ranking) {
      const child = await getBacktestRun(database.db, row.runId);
      expect((child!.metrics as { totalReturn: number }).totalReturn).toBe(row.metrics!.totalReturn);
      expect((child!.config as { minScore: number }).minScore).toBe(row.params.minScore);
    }
  });

  it("cancels a queued run at once, and a run whose cancellation is requested stops at its next check", async () => {
    await worker?.close();
    worker = undefined;
    const queued = await submitBacktest(database.db, queue, connection, {
      runId: "int-cancel",
      config: { ...RUN, minScore: 55 },
    });
    expect(queued.status).toBe("queued");
    expect(await cancelBacktest(database.db, queue.queue, "int-cancel")).toEqual(["int-cancel"]);
    expect((await getBacktestRun(database.db, "int-cancel"))?.status).toBe("cancelled");
    expect(await queue.queue.getJob(backtestJobId("int-cancel"))).toBeUndefined();

    await submitBacktest(database.db, queue, connection, {
      runId: "int-cancel-2",
      config: { ...RUN, minScore: 56 },
    });
    await requestBacktestCancel(database.db, "int-cancel-2");
    startWorker();
    const outcome = (await waiter.wait([backtestJobId("int-cancel-2")], { timeoutMs: 20_000 })).get(
      backtestJobId("int-cancel-2"),
    )!;
    expect(outcome.returnValue).toMatchObject({ status: "cancelled" });
    expect((await getBacktestRun(database.db, "int-cancel-2"))?.status).toBe("cancelled");
    expect(await loadBacktestTrades(database.db, "int-cancel-2")).toEqual([]);
  });
});
