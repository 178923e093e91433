import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  analyzeBacktestSymbol,
  createBacktestUniverse,
  type IndexSeries,
  runBacktestOnUniverse,
  runWalkForward,
} from "@vpa/core";
import {
  getBacktestRun,
  listBacktestChildren,
  loadBacktestEquity,
  markIndexSymbols,
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
  type BacktestReport,
  backtestJobId,
  isWalkForwardReport,
  loadBacktestReport,
  renderBacktestReportHtml,
  startBacktestWorker,
  submitBacktest,
  type WalkForwardReport,
} from "../src/index.ts";

const VN30_INDEX_PATH = resolve(import.meta.dirname, "../../../fixtures/vn30-index-daily-2018-2021.csv");
const SYMBOLS = ["FPT", "HPG", "VCB", "VNM", "SSI", "MWG"];
const logger = createLogger({ level: "silent", secrets: [] });
const connection = testQueueConnection();
const queue = createQueue("backtest", connection);

let database: TestDatabase;
let worker: Worker | undefined;
let waiter: JobWaiter;
let dataset: Awaited<ReturnType<typeof readDailyBarsCsvGz>>;
let vn30: IndexSeries;

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
  const rows = (await readFile(VN30_INDEX_PATH, "utf8"))
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  const indexId = (await markIndexSymbols(database.db, ["VN30"])).get("VN30")!;
  await upsertBars(
    database.db,
    indexId,
    "1D",
    rows.map(([, time, open, high, low, close, volume]) => ({
      time: time!,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    })),
  );
  vn30 = { name: "VN30", time: rows.map((r) => r[1]!), close: rows.map((r) => Number(r[5])) };
  worker = startBacktestWorker({
    db: database.db,
    connection,
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger,
    concurrency: 2,
  });
  waiter = await JobWaiter.start(queue.queue, connection);
});

afterAll(async () => {
  await worker?.close();
  await waiter?.close();
  await obliterateQueues([queue]);
  await database?.drop();
});

const analyzed = () =>
  dataset.series.map((s) =>
    analyzeBacktestSymbol({ symbol: s.symbol, exchange: "HOSE", columns: s.columns }),
  );

describe("the VN30 index as a backtest's benchmark", () => {
  it("compares a run with the stored index, exactly as the engine does on the same closes", async () => {
    const config = { symbols: SYMBOLS, from: "2019-01-01", to: "2021-06-30", minScore: 60, maxHoldDays: 20 };
    await submitBacktest(database.db, queue, connection, { runId: "int-index", config });
    const outcome = (await waiter.wait([backtestJobId("int-index")], { timeoutMs: 60_000 })).get(
      backtestJobId("int-index"),
    )!;
    expect(outcome.failedReason).toBeNull();
    const report = (await loadBacktestReport(database.db, "int-index"))!.report as BacktestReport;
    const expected = runBacktestOnUniverse(
      createBacktestUniverse(analyzed(), { from: config.from, to: config.to }),
      { minScore: 60, maxHoldDays: 20 },
      { index: vn30 },
    );
    expect(report.indexCoverage).toEqual({
      name: "VN30",
      // Ten days of index bars before `from` are loaded (a gap on the first session is bridged).
      firstDate: "2018-12-24",
      lastDate: "2021-06-30",
      covers: true,
    });
    expect(report.benchmarks.map((b) => [b.name, b.kind])).toEqual([
      ["equal-weight buy and hold", "equal-weight"],
      ["VN30", "index"],
    ]);
    const stored = report.benchmarks[1]!;
    const computed = expected.benchmarks[1]!;
    expect(stored.totalReturn).toBeCloseTo(computed.totalReturn, 12);
    expect(stored.relative!.beta).toBeCloseTo(computed.relative.beta!, 12);
    expect(stored.relative!.alpha).toBeCloseTo(computed.relative.alpha!, 12);
    expect(stored.relative!.informationRatio).toBeCloseTo(computed.relative.informationRatio!, 12);
    expect(report.equity.index?.at(-1)).toBeCloseTo(expected.equity.index!.at(-1)!, 2);
    // The index's own first-to-last change over the sessions: 2019-01-02 → 2021-06-30.
    const at = (date: string) => vn30.close[vn30.time.indexOf(date)]!;
    expect(stored.totalReturn).toBeCloseTo(at("2021-06-30") / at("2019-01-02") - 1, 12);
    expect(renderBacktestReportHtml(report)).toContain("chỉ số VN30");
  });

  it("is not compared when it does not cover the run, and the report says why", async () => {
    const config = { symbols: SYMBOLS, from: "2021-06-01", to: "2022-06-30", minScore: 60 };
    await submitBacktest(database.db, queue, connection, { runId: "int-index-partial", config });
    await waiter.wait([backtestJobId("int-index-partial")], { timeoutMs: 60_000 });
    const report = (await loadBacktestReport(database.db, "int-index-partial"))!.report as BacktestReport;
    // The fixture's stocks run past 2021-12-31 (some to 2024), the index stops there.
    expect(report.indexCoverage?.covers).toBe(false);
    expect(report.benchmarks.map((b) => b.kind)).toEqual(["equal-weight"]);
    expect(report.equity.index).toBeNull();
  });
});

describe("walk-forward as jobs", () => {
  const plan = { from: "2018-06-01", to: "2021-06-30", trainMonths: 12, testMonths: 12 };
  const grid = [
    { key: "minScore" as const, values: [50, 70] },
    { key: "stopLoss" as const, values: [0.05, null] },
  ];

  it("trains one sweep per window, trades the choice out of sample, and stores the stitched curve like a run", async () => {
    const submitted = await submitBacktest(database.db, queue, connection, {
      runId: "int-wf",
      config: {
        kind: "walk-forward",
        base: { symbols: SYMBOLS, from: plan.from, to: plan.to, maxHoldDays: 20 },
        grid,
        trainMonths: plan.trainMonths,
        testMonths: plan.testMonths,
      },
    });
    // Two full test years and the last month of the period: 3 windows × 4 combinations.
    expect(submitted).toMatchObject({
      kind: "walk-forward",
      children: ["int-wf-w01", "int-wf-w02", "int-wf-w03"],
      runs: 12,
    });
    const outcome = (await waiter.wait([backtestJobId("int-wf")], { timeoutMs: 120_000 })).get(
      backtestJobId("int-wf"),
    )!;
    expect(outcome.failedReason).toBeNull();
    expect((await listBacktestChildren(database.db, "int-wf-w01")).map((r) => [r.id, r.status])).toEqual([
      ["int-wf-w01-001", "completed"],
      ["int-wf-w01-002", "completed"],
      ["int-wf-w01-003", "completed"],
      ["int-wf-w01-004", "completed"],
    ]);
    const report = (await loadBacktestReport(database.db, "int-wf"))!.report as WalkForwardReport;
    expect(isWalkForwardReport(report)).toBe(true);

    // The same walk-forward in memory, on the same bars and index.
    const candidates = [50, 70].flatMap((minScore) =>
      [0.05, null].map((stopLoss) => ({ minScore, stopLoss, maxHoldDays: 20 })),
    );
    const expected = runWalkForward(analyzed(), plan, candidates, { index: vn30 });
    expect(report.windows.map((w) => [w.window.testFrom, w.window.testTo])).toEqual([
      ["2019-06-01", "2020-05-31"],
      ["2020-06-01", "2021-05-31"],
      ["2021-06-01", "2021-06-30"],
    ]);
    expect(report.windows.map((w) => w.chosen?.params ?? null)).toEqual(
      expected.training.map((t) =>
        t.chosen === null
          ? null
          : { minScore: candidates[t.chosen]!.minScore, stopLoss: candidates[t.chosen]!.stopLoss },
      ),
    );
    for (const [k, w] of report.windows.entries()) {
      expect(w.chosen?.inSample.sharpe).toBe(
        expected.training[k]!.inSample[expected.training[k]!.chosen!]!.sharpe,
      );
      expect(w.outOfSample.endEquity).toBeCloseTo(expected.outOfSample.windows[k]!.endEquity, 2);
    }
    expect(report.metrics.finalEquity).toBeCloseTo(expected.outOfSample.metrics.finalEquity, 2);
    expect(report.trades.length).toBe(expected.outOfSample.trades.length);
    expect(report.benchmarks.map((b) => b.kind)).toEqual(["equal-weight", "index"]);

    // Stored like a run: the stitched equity is continuous across the windows' boundaries.
    const equity = (await loadBacktestEquity(database.db, "int-wf"))!;
    expect(equity.time[0]).toBe("2019-06-03");
    const boundary = equity.time.findIndex((t) => t >= "2020-06-01");
    expect(equity.equity[boundary]).toBeCloseTo(equity.equity[boundary - 1]!, 4);
    // Everything was sold at the first window's last close: only cash crossed.
    expect([equity.positions[boundary - 1], equity.invested[boundary - 1]]).toEqual([0, 0]);
    expect(renderBacktestReportHtml(report)).toContain('id="walk-forward-windows"');
  });

  it("refuses a walk-forward whose period holds no test day, and one whose grid is too large", async () => {
    await expect(
      submitBacktest(database.db, queue, connection, {
        config: {
          kind: "walk-forward",
          base: { symbols: SYMBOLS, from: "2019-01-01", to: "2021-12-31" },
          grid,
          trainMonths: 36,
          testMonths: 12,
        },
      }),
    ).rejects.toThrow("not longer than one training window");
    await expect(
      submitBacktest(database.db, queue, connection, {
        config: {
          kind: "walk-forward",
          base: { symbols: SYMBOLS, from: "2010-01-01", to: "2021-12-31" },
          grid: [
            { key: "minScore", values: Array.from({ length: 40 }, (_, i) => 40 + i) },
            { key: "maxHoldDays", values: [5, 10, 20] },
          ],
          trainMonths: 12,
          testMonths: 12,
        },
      }),
    ).rejects.toThrow("120 combinations (at most 90)");
  });

  it("cancels every run below a walk-forward", async () => {
    await worker?.close();
    worker = undefined;
    const submitted = await submitBacktest(database.db, queue, connection, {
      runId: "int-wf-cancel",
      config: {
        kind: "walk-forward",
        base: { symbols: SYMBOLS, from: plan.from, to: plan.to, minScore: 55 },
        grid: [{ key: "stopLoss", values: [0.05, 0.1] }],
        trainMonths: 12,
        testMonths: 12,
      },
    });
    const { cancelBacktest } = await import("../src/index.ts");
    const asked = await cancelBacktest(database.db, queue.queue, "int-wf-cancel");
    expect(asked).toHaveLength(1 + submitted.children.length + submitted.runs);
    for (const id of submitted.children)
      for (const run of await listBacktestChildren(database.db, id)) expect(run.status).toBe("cancelled");
    worker = startBacktestWorker({
      db: database.db,
      connection,
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger,
      concurrency: 2,
    });
    const outcome = (await waiter.wait([backtestJobId("int-wf-cancel")], { timeoutMs: 60_000 })).get(
      backtestJobId("int-wf-cancel"),
    )!;
    expect(outcome.returnValue).toMatchObject({ status: "cancelled" });
    expect((await getBacktestRun(database.db, "int-wf-cancel"))?.status).toBe("cancelled");
  });
});
