/**
 * Paper portfolios against the real PostgreSQL: stepped close by close from the stored state and
 * the stored signals (as the scans stored them), the stored trades equal the backtest of the same
 * rules over the same bars, and running the update again adds nothing. Data: five VN30 names of
 * the fixture, 2019.
 */
import {
  analyzeColumns,
  type BarColumns,
  type ConfirmationRecord,
  countBarsThrough,
  initialPortfolioState,
  resolveBacktestConfig,
  runBacktest,
} from "@vpa/core";
import {
  createPortfolio,
  getPortfolio,
  insertConfirmations,
  insertSignals,
  listPortfolioPositions,
  loadPortfolioPerformance,
  markIndexSymbols,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { createMetrics, createQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
  type SymbolSeries,
} from "../../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { updatePortfolios } from "./update-portfolios.ts";

const SYMBOLS = ["FPT", "HPG", "MWG", "VCB", "VNM"];
const STRATEGY = {
  minScore: 50,
  stopLoss: 0.07,
  takeProfit: 0.15,
  maxHoldDays: 20,
  initialCapital: 500_000_000,
};
const STARTED = "2019-01-02";

let database: TestDatabase;
let series: readonly SymbolSeries[];
let stockIds: Map<string, number>;
let indexId: number;

function cut(columns: BarColumns, through: string): BarColumns {
  const n = countBarsThrough(columns.time, columns.time.length, through);
  return {
    time: columns.time.slice(0, n),
    open: columns.open.slice(0, n),
    high: columns.high.slice(0, n),
    low: columns.low.slice(0, n),
    close: columns.close.slice(0, n),
    volume: columns.volume.slice(0, n),
  };
}

const rowsOf = (columns: BarColumns, scale = 1) =>
  columns.time.map((time, i) => ({
    time,
    open: columns.open[i]! * scale,
    high: columns.high[i]! * scale,
    low: columns.low[i]! * scale,
    close: columns.close[i]! * scale,
    volume: columns.volume[i]!,
  }));

/**
 * Stores the bars through `through` (and a stand-in VN30 index: VCB × 10), and the signals and
 * confirmations a scan of those bars stores (vpa-core's analysis; analyze-chunk.job.ts stores the
 * same records).
 */
async function storeThrough(through: string): Promise<void> {
  for (const s of series) {
    const columns = cut(s.columns, through);
    const stockId = stockIds.get(s.symbol)!;
    await upsertBars(database.db, stockId, "1D", rowsOf(columns));
    const records = analyzeColumns(s.symbol, columns);
    await insertSignals(
      database.db,
      stockId,
      "1D",
      records.filter((r) => r.kind === "signal"),
    );
    await insertConfirmations(
      database.db,
      stockId,
      "1D",
      records.filter((r): r is ConfirmationRecord => r.kind === "confirmation"),
    );
    if (s.symbol === "VCB") await upsertBars(database.db, indexId, "1D", rowsOf(cut(s.columns, through), 10));
  }
}

const backtestThrough = (through: string, strategy: Record<string, unknown> = STRATEGY) =>
  runBacktest(
    series.map((s) => ({ symbol: s.symbol, exchange: "HOSE" as const, columns: cut(s.columns, through) })),
    { from: STARTED, to: through },
    strategy,
  );

beforeAll(async () => {
  database = await createTestDatabase();
  series = (await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH, new Set(SYMBOLS))).series;
  stockIds = await upsertStocks(
    database.db,
    SYMBOLS.map((symbol) => ({ symbol, exchange: "HOSE" as const })),
  );
  indexId = (await markIndexSymbols(database.db, ["VN30"])).get("VN30")!;
});
afterAll(async () => {
  await database?.drop();
});

describe("updatePortfolios", () => {
  it("steps each close from the stored state; the trades are the backtest's; a second run adds nothing", async () => {
    const strategy = resolveBacktestConfig(STRATEGY);
    await createPortfolio(database.db, {
      name: "vn5",
      config: { strategy, symbols: SYMBOLS, benchmark: "VN30" },
      startedOn: STARTED,
      state: initialPortfolioState(strategy),
    });
    // The same rules entering on confirmations: a confirmation on the first close of the second
    // update refers to a signal of the first, read back from storage.
    const confirmed = resolveBacktestConfig({ ...STRATEGY, minScore: 40, requireConfirmation: true });
    await createPortfolio(database.db, {
      name: "vn5-confirmed",
      config: { strategy: confirmed, symbols: SYMBOLS, benchmark: "VN30" },
      startedOn: STARTED,
      state: initialPortfolioState(confirmed),
    });
    const metrics = createMetrics({ collectProcessMetrics: false });

    await storeThrough("2019-06-28");
    const [first] = await updatePortfolios(database.db, { metrics });
    expect(first).toMatchObject({ name: "vn5", lastSession: "2019-06-28" });
    expect(first!.sessions).toBeGreaterThan(100);

    // Later closes arrive; the update steps only those.
    await storeThrough("2019-12-31");
    const [second] = await updatePortfolios(database.db, { metrics });
    expect(second!.lastSession).toBe("2019-12-31");
    expect(first!.sessions + second!.sessions).toBe(backtestThrough("2019-12-31").period.sessions);

    const backtest = backtestThrough("2019-12-31");
    const portfolio = (await getPortfolio(database.db, "vn5"))!;
    const positions = await listPortfolioPositions(database.db, portfolio.id);
    const closed = positions.filter((p) => p.status === "closed");
    const open = positions.filter((p) => p.status === "open");
    const key = (t: { symbol: string; entryTime: string }) => `${t.symbol}|${t.entryTime}`;
    const sortByKey = <T extends { symbol: string; entryTime: string }>(list: T[]) =>
      [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const finished = backtest.trades.filter((t) => t.exitReason !== "end_of_period");
    expect(finished.length).toBeGreaterThan(5);
    expect(sortByKey(closed).map((p) => ({ ...p, status: undefined, lastPrice: undefined }))).toEqual(
      sortByKey(finished).map((t) => ({ ...t, status: undefined, lastPrice: undefined })),
    );
    // The backtest sells at its end what the paper portfolio still holds.
    const stillOpen = backtest.trades.filter((t) => t.exitReason === "end_of_period");
    expect(sortByKey(open).map((p) => [key(p), p.entryPrice, p.quantity])).toEqual(
      sortByKey(stillOpen).map((t) => [key(t), t.entryPrice, t.quantity]),
    );
    // Every close but the last (where the backtest sells everything) has the backtest's value.
    const performance = await loadPortfolioPerformance(database.db, portfolio.id);
    expect(performance.map((r) => r.date)).toEqual(backtest.equity.time);
    expect(performance.slice(0, -1).map((r) => r.value)).toEqual(backtest.equity.equity.slice(0, -1));
    expect(performance.every((r) => r.indexClose !== null)).toBe(true);
    expect(performance[0]!.dailyReturn).toBeCloseTo(performance[0]!.value / STRATEGY.initialCapital - 1, 12);

    const confirmedPortfolio = (await getPortfolio(database.db, "vn5-confirmed"))!;
    const confirmedClosed = (await listPortfolioPositions(database.db, confirmedPortfolio.id)).filter(
      (p) => p.status === "closed",
    );
    const confirmedBacktest = backtestThrough("2019-12-31", {
      ...STRATEGY,
      minScore: 40,
      requireConfirmation: true,
    });
    const confirmedFinished = confirmedBacktest.trades.filter((t) => t.exitReason !== "end_of_period");
    expect(confirmedFinished.length).toBeGreaterThan(3);
    expect(sortByKey(confirmedClosed).map((p) => [key(p), p.signalTime, p.netPnl])).toEqual(
      sortByKey(confirmedFinished).map((t) => [key(t), t.signalTime, t.netPnl]),
    );

    const gauge = await metrics.registry.getSingleMetricAsString("vpa_portfolio_value");
    expect(gauge).toContain('vpa_portfolio_value{portfolio="vn5"}');

    const counts = async () =>
      (
        await sql<{ p: number; q: number }>`
          select (select count(*) from portfolio_positions)::int as p, (select count(*) from portfolio_performance)::int as q
        `.execute(database.db)
      ).rows[0];
    const before = await counts();
    const again = await updatePortfolios(database.db, { metrics });
    expect(again[0]).toMatchObject({ sessions: 0, tradesClosed: 0, lastSession: "2019-12-31" });
    expect(await counts()).toEqual(before);
    expect((await getPortfolio(database.db, "vn5"))!.state).toEqual(portfolio.state);
  });

  it("waits for the scan's analyze jobs before stepping the new close: its signals are traded", async () => {
    // The first close after 2019 whose signals the backtest buys at the next open.
    const days = series.find((s) => s.symbol === "VCB")!.columns.time.filter((t) => t > "2019-12-31");
    const index = days.findIndex(
      (_, i) => i > 0 && backtestThrough(days[i + 1]!).trades.some((t) => t.entryTime === days[i + 1]),
    );
    const [before, close, next] = [days[index - 1]!, days[index]!, days[index + 1]!];
    await storeThrough(before);
    await updatePortfolios(database.db);
    const connection = testQueueConnection();
    const analyzeQueue = createQueue("analyze", connection);
    try {
      // The new close's bars are stored (the fetch), its signals not yet (the scan's job is queued).
      for (const s of series) {
        const columns = cut(s.columns, close);
        await upsertBars(database.db, stockIds.get(s.symbol)!, "1D", rowsOf(columns).slice(-1));
      }
      const job = await analyzeQueue.queue.add("analyze", {}, { jobId: "scan-wait-1" });
      const update = updatePortfolios(database.db, {
        afterScan: { analyzeQueue, jobIds: ["scan-wait-1"], pollMs: 25 },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await getPortfolio(database.db, "vn5"))!.lastSession).toBe(before);
      // The job stores the close's signals and finishes (removed on completion): the update goes on.
      await storeThrough(close);
      await job.remove();
      const summaries = await update;
      expect(summaries.find((p) => p.name === "vn5")).toMatchObject({ sessions: 1, lastSession: close });
      // The close's signals became orders for the next open: those the backtest fills there.
      const pending = ((await getPortfolio(database.db, "vn5"))!.state as { pending: { symbol: string }[] })
        .pending;
      const filledNext = backtestThrough(next)
        .trades.filter((t) => t.entryTime === next)
        .map((t) => t.symbol);
      expect(filledNext.length).toBeGreaterThan(0);
      expect(pending.map((order) => order.symbol)).toEqual(expect.arrayContaining(filledNext));
    } finally {
      await analyzeQueue.queue.obliterate({ force: true });
      await analyzeQueue.close();
      await removeQueuePrefix(connection);
    }
  });
});
