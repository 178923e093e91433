import { describe, expect, it } from "vitest";
import {
  computePerformanceMetrics,
  drawdownStatistics,
  returnStatistics,
  tradeStatistics,
} from "./backtest-metrics.ts";
import { breakdownBy } from "./breakdown-tables.ts";
import { monthlyReturns } from "./monthly-returns.ts";
import type { BacktestTrade } from "./portfolio-simulation.ts";

function trade(netPnl: number, extra: Partial<BacktestTrade> = {}): BacktestTrade {
  return {
    symbol: "AAA",
    signalType: "SPRING",
    signalTime: "2024-01-02",
    signalScore: 70,
    entryTime: "2024-01-03",
    entryPrice: 10_000,
    quantity: 100,
    exitTime: "2024-01-10",
    exitPrice: 10_000,
    exitReason: "stop_loss",
    holdingDays: 5,
    grossPnl: netPnl,
    fees: 0,
    tax: 0,
    netPnl,
    netReturn: netPnl / 1_000_000,
    ...extra,
  };
}

describe("return statistics (daily returns, 252 sessions a year)", () => {
  it("computes volatility, Sharpe and Sortino of +10%, −10%, +10% by hand", () => {
    // returns 0.1, −0.1, 0.1 → mean 1/30; deviations 2/30, −4/30, 2/30 → squares sum 24/900;
    // sample variance 24/900/2 = 0.013333 → std 0.115470; Sharpe = (1/30)/0.115470·√252 = 4.5826.
    // downside: √(0.01/3) = 0.057735 → Sortino = (1/30)/0.057735·√252 = 9.1652.
    const stats = returnStatistics([0.1, -0.1, 0.1]);
    expect(stats.annualVolatility).toBeCloseTo(0.11547 * Math.sqrt(252), 4);
    expect(stats.sharpe).toBeCloseTo(4.5826, 3);
    expect(stats.sortino).toBeCloseTo(9.1652, 3);
  });

  it("leaves Sharpe and Sortino undefined when they are (no dispersion, no losing day)", () => {
    expect(returnStatistics([0.01, 0.01, 0.01])).toMatchObject({ sharpe: null, sortino: null });
    expect(returnStatistics([0.01])).toEqual({ annualVolatility: null, sharpe: null, sortino: null });
  });
});

describe("drawdown", () => {
  it("finds the deepest fall and the longest stretch under a peak, in calendar days", () => {
    // Peak 100 on Jan 1, back to 100 on Jan 4 (3 days under); new peak Jan 4, 80 on Jan 5 (−20%, 1 day, unrecovered).
    const times = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"];
    const dd = drawdownStatistics(times, [100, 90, 95, 100, 80]);
    expect(dd.maxDrawdown).toBeCloseTo(-0.2, 12);
    expect(dd.maxDrawdownDays).toBe(3);
    expect(Array.from(dd.drawdown)).toEqual([0, 90 / 100 - 1, 95 / 100 - 1, 0, 80 / 100 - 1]);
  });

  it("counts an unrecovered drawdown to the last date", () => {
    const dd = drawdownStatistics(["2024-01-01", "2024-01-11", "2024-02-10"], [100, 110, 99]);
    expect(dd.maxDrawdown).toBeCloseTo(99 / 110 - 1, 12);
    expect(dd.maxDrawdownDays).toBe(30); // Jan 11 → Feb 10
  });
});

describe("trade statistics", () => {
  it("computes win rate, profit factor, expectancy and average win/loss by hand", () => {
    // net P&L +300, −100, +200, −100, 0: 2 wins of 5; profit factor (300+200)/(100+100) = 2.5;
    // expectancy 300/5 = 60; average win 250, average loss −100; the 0 trade is neither.
    const stats = tradeStatistics([
      trade(300, { fees: 10, tax: 3, holdingDays: 2 }),
      trade(-100, { fees: 10, tax: 1, holdingDays: 4 }),
      trade(200, { holdingDays: 6 }),
      trade(-100, { holdingDays: 8 }),
      trade(0, { holdingDays: 10 }),
    ]);
    expect(stats).toMatchObject({
      trades: 5,
      winRate: 0.4,
      profitFactor: 2.5,
      expectancy: 60,
      averageWin: 250,
      averageLoss: -100,
      averageHoldingDays: 6,
      feesPaid: 20,
      taxPaid: 4,
    });
  });

  it("has no profit factor without a losing trade, and nothing at all without trades", () => {
    expect(tradeStatistics([trade(5)]).profitFactor).toBeNull();
    expect(tradeStatistics([])).toMatchObject({ trades: 0, winRate: null, expectancy: null });
  });
});

describe("performance metrics of an equity curve", () => {
  it("computes total return and CAGR: 100 → 146.41 over four years is 10% a year", () => {
    // 2020-01-01 → 2024-01-01 is 1461 days = 4 × 365.25; 1.1^4 = 1.4641.
    const m = computePerformanceMetrics({
      times: ["2020-01-01", "2024-01-01"],
      equity: [100, 146.41],
      invested: [0, 0],
      initialCapital: 100,
      trades: [],
    });
    expect(m.totalReturn).toBeCloseTo(0.4641, 12);
    expect(m.cagr).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdown).toBe(0);
    expect(m.calmar).toBeNull();
  });

  it("computes Calmar, exposure and time in market", () => {
    // Drawdown 110 → 99 = −10%. Exposure = mean(0/100, 55/110, 99/99, 0/108.9) = 0.375; in the market 2 of 4.
    const times = ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"];
    const m = computePerformanceMetrics({
      times,
      equity: [100, 110, 99, 108.9],
      invested: [0, 55, 99, 0],
      initialCapital: 100,
      trades: [],
    });
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.maxDrawdown).toBeCloseTo(-0.1, 12);
    expect(m.exposure).toBeCloseTo(0.375, 12);
    expect(m.timeInMarket).toBe(0.5);
    const years = 3 / 365.25;
    expect(m.cagr).toBeCloseTo(1.089 ** (1 / years) - 1, 6);
    expect(m.calmar).toBeCloseTo(m.cagr! / 0.1, 6);
    expect(m.sharpe).toBeCloseTo(4.5826, 3);
  });
});

describe("monthly returns and breakdown tables", () => {
  it("chains each month's last close to the previous month's", () => {
    // Jan: 100 → 110 = +10%; Feb: 110 → 99 = −10%; Mar: 99 → 99 = 0.
    expect(
      monthlyReturns(
        ["2020-01-02", "2020-01-31", "2020-02-03", "2020-02-28", "2020-03-02"],
        [100, 110, 105, 99, 99],
      ),
    ).toEqual([
      { month: "2020-01", return: 110 / 100 - 1 },
      { month: "2020-02", return: 99 / 110 - 1 },
      { month: "2020-03", return: 0 },
    ]);
  });

  it("groups trades by a key, best net P&L first", () => {
    const rows = breakdownBy(
      [
        trade(300, { symbol: "B", holdingDays: 2 }),
        trade(-100, { symbol: "A" }),
        trade(100, { symbol: "B", holdingDays: 4 }),
      ],
      (t) => t.symbol,
    );
    expect(rows).toEqual([
      {
        key: "B",
        trades: 2,
        wins: 2,
        winRate: 1,
        netPnl: 400,
        averageReturn: expect.closeTo(0.0002, 12),
        averageHoldingDays: 3,
      },
      {
        key: "A",
        trades: 1,
        wins: 0,
        winRate: 0,
        netPnl: -100,
        averageReturn: -100 / 1_000_000,
        averageHoldingDays: 5,
      },
    ]);
  });
});
