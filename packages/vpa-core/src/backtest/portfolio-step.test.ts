import { describe, expect, it } from "vitest";
import { FIXTURE_DAILY_DATA_PATH, readDailyBarsCsvGz } from "../../test/support/daily-bars-csv.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "../market/holiday-calendar.ts";
import { type BacktestConfig, resolveBacktestConfig } from "./backtest-config.ts";
import { analyzeBacktestSymbol, createBacktestUniverse } from "./backtest-universe.ts";
import { collectSignalEvents } from "./entry-candidates.ts";
import { advancePortfolio } from "./portfolio-simulation.ts";
import {
  type ClosedTrade,
  closeAllAtLastClose,
  emptyStepCounters,
  initialPortfolioState,
  type PortfolioState,
  type SessionMarket,
  stepPortfolio,
} from "./portfolio-step.ts";
import { runBacktestOnUniverse } from "./run-backtest.ts";

/** One symbol's daily bars by date: [open, close] in thousand VND. */
function marketOf(bars: Record<string, readonly [number, number]>, date: string): SessionMarket {
  const bar = bars[date];
  const dates = Object.keys(bars).sort();
  const previous = bars[dates[dates.indexOf(date) - 1] ?? ""];
  return {
    hasBar: (symbol) => symbol === "AAA" && bar !== undefined,
    open: () => bar![0],
    close: () => bar![1],
    bandReference: () => previous?.[1] ?? Number.NaN,
    canFill: () => true,
    isSessionEnd: () => true,
    postCloseSession: () => false,
    exchange: () => "HOSE",
    bearSignal: () => false,
    isLastBar: () => false,
  };
}

describe("stepPortfolio: one session from a plain state", () => {
  const config = resolveBacktestConfig({
    initialCapital: 100_000_000,
    positionFraction: 0.1,
    stopLoss: 0.07,
  });
  const bars: Record<string, readonly [number, number]> = {
    "2024-01-02": [24.8, 25],
    "2024-01-03": [25.33, 23.5],
    "2024-01-04": [23.4, 23.2],
    "2024-01-05": [23.1, 23.3],
  };
  const signal = { symbol: "AAA", type: "SELLING_CLIMAX" as const, time: "2024-01-02", score: 80 };

  it("buys at the next open in board lots on the tick grid, marks to market, and waits for T+2 to sell", () => {
    let state: PortfolioState = initialPortfolioState(config);
    const trades: ClosedTrade[] = [];
    const counters = emptyStepCounters();
    const step = (date: string, candidates = [] as (typeof signal)[]) => {
      stepPortfolio(
        state,
        date,
        marketOf(bars, date),
        candidates,
        config,
        DEFAULT_HOLIDAY_CALENDAR,
        trades,
        counters,
      );
      state = JSON.parse(JSON.stringify(state)); // stored and read back between closes
    };
    step("2024-01-02", [signal]);
    expect(state.pending).toEqual([
      {
        symbol: "AAA",
        exchange: "HOSE",
        signalType: "SELLING_CLIMAX",
        signalTime: "2024-01-02",
        signalScore: 80,
        referenceClose: 25,
      },
    ]);
    expect(state.positions).toEqual([]);
    expect(state.lastEquity).toBe(100_000_000);

    // Open 25.33 → 25,350 VND (HOSE tick of 50 at that level). 10% of 100M / (25,350 × 1.0015)
    // = 393.9 shares → 300 (board lot). Cost 7,605,000 + brokerage 11,407.5.
    step("2024-01-03");
    expect(state.positions).toHaveLength(1);
    const position = state.positions[0]!;
    expect(position).toMatchObject({
      entryTime: "2024-01-03",
      entryPrice: 25_350,
      quantity: 300,
      entryFee: 11_407.5,
    });
    expect(state.cash).toBe(100_000_000 - 7_605_000 - 11_407.5);
    // Marked at the close 23.5: 300 × 23,500 = 7,050,000; the close is below the 7% stop.
    expect(state.invested).toBe(7_050_000);
    expect(state.lastEquity).toBe(state.cash + 7_050_000);
    expect(position.exitReason).toBe("stop_loss");

    // 2024-01-04 is T+1: the sell waits.
    step("2024-01-04");
    expect(counters.exitsDelayedSettlement).toBe(1);
    expect(state.positions).toHaveLength(1);
    expect(state.invested).toBe(300 * 23_200);

    // 2024-01-05 is T+2: sold at the open 23,100, brokerage and the 0.1% tax.
    step("2024-01-05");
    expect(state.positions).toEqual([]);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      entryTime: "2024-01-03",
      exitTime: "2024-01-05",
      exitPrice: 23_100,
      exitReason: "stop_loss",
      holdingDays: 2,
      grossPnl: (23_100 - 25_350) * 300,
    });
    expect(state.cash).toBeCloseTo(100_000_000 + trades[0]!.netPnl, 6);
    expect(state.session).toBe(4);
    expect(state.lastSession).toBe("2024-01-05");
  });
});

describe("a paper portfolio replayed one close at a time equals the backtest, trade for trade", async () => {
  const data = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
  const analyzed = data.series.map((s) =>
    analyzeBacktestSymbol({ symbol: s.symbol, exchange: "HOSE", columns: s.columns }),
  );
  const period = { from: "2019-01-01", to: "2021-12-31" };
  const full = createBacktestUniverse(analyzed, period);

  const configs: Partial<BacktestConfig>[] = [
    { minScore: 60, stopLoss: 0.07, takeProfit: 0.15, maxHoldDays: 30 },
    { minScore: 40, trailingStop: 0.1, slippageTicks: 1, requireConfirmation: true, maxPositions: 5 },
  ];
  for (const partial of configs) {
    it(`${JSON.stringify(partial)}`, () => {
      const config = resolveBacktestConfig(partial);
      const backtest = runBacktestOnUniverse(full, config);
      // The paper portfolio: each close, the data up to that close only (a universe cut there,
      // open-ended), one step from the state stored (JSON) at the previous close.
      let state = initialPortfolioState(config);
      const trades: ClosedTrade[] = [];
      const closes: { date: string; cash: number; invested: number; equity: number; positions: number }[] =
        [];
      for (const date of full.days) {
        const universe = createBacktestUniverse(analyzed, { from: period.from, to: date });
        const events = collectSignalEvents(universe, config);
        advancePortfolio(
          state,
          universe,
          config,
          events.candidates,
          events.bearSignalAt,
          DEFAULT_HOLIDAY_CALENDAR,
          trades,
          emptyStepCounters(),
          {
            openEnded: true,
            onClose: (date, after) =>
              closes.push({
                date,
                cash: after.cash,
                invested: after.invested,
                equity: after.lastEquity,
                positions: after.positions.length,
              }),
          },
        );
        state = JSON.parse(JSON.stringify(state));
      }
      expect(closes.map((c) => c.date)).toEqual(full.days);
      // Still open at the end: the backtest sells them at their last close.
      const stillOpen = state.positions.length;
      closeAllAtLastClose(state, config, trades);
      expect(trades.length).toBeGreaterThan(20);
      expect(trades).toEqual(backtest.trades);
      expect(backtest.trades.filter((t) => t.exitReason === "end_of_period")).toHaveLength(stillOpen);
      // Every close but the last (where the backtest has sold everything) is the same value.
      expect(closes.slice(0, -1).map((c) => c.equity)).toEqual(backtest.equity.equity.slice(0, -1));
      expect(closes.slice(0, -1).map((c) => c.cash)).toEqual(backtest.equity.cash.slice(0, -1));
    });
  }

  it("running a step for a session already stepped adds nothing", () => {
    const config = resolveBacktestConfig(configs[0]!);
    const events = collectSignalEvents(full, config);
    const state = initialPortfolioState(config);
    const trades: ClosedTrade[] = [];
    const run = () =>
      advancePortfolio(
        state,
        full,
        config,
        events.candidates,
        events.bearSignalAt,
        DEFAULT_HOLIDAY_CALENDAR,
        trades,
        emptyStepCounters(),
        { openEnded: true },
      );
    run();
    const after = JSON.stringify(state);
    const count = trades.length;
    run();
    expect(JSON.stringify(state)).toBe(after);
    expect(trades).toHaveLength(count);
  });
});
