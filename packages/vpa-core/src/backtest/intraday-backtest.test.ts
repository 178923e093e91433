import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bar.ts";
import { addTradingDays } from "../market/settlement.ts";
import { calendarDaysBetween, periodsPerYearOf } from "./backtest-metrics.ts";
import { runBacktest } from "./run-backtest.ts";

/** The repo's slice of the real VN30F1M 1-minute bars (fixtures/vn30f1m-1m-sample.csv), as columns. */
function vn30f1mMinutes(): BarColumns {
  const rows = readFileSync(new URL("../../../../fixtures/vn30f1m-1m-sample.csv", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => /^\d{4}-/.test(line))
    .map((line) => line.split(","));
  const column = (i: number) => Float64Array.from(rows, (row) => Number(row[i]));
  return {
    time: rows.map((row) => `${row[0]!.replace(" ", "T")}+07:00`),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}

describe("intraday backtests (1-minute bars of VN30F1M)", () => {
  const columns = vn30f1mMinutes();
  const period = { from: "2023-11-22", to: "2023-12-13" };
  const run = (config: Parameters<typeof runBacktest>[2]) =>
    runBacktest([{ symbol: "VN30F1M", exchange: "HNX", columns }], period, {
      minScore: 0,
      positionFraction: 1,
      maxPositions: 1,
      ...config,
    });

  it("steps bar by bar, trades, and keeps T+2 in trading days, not bars", () => {
    const result = run({ maxHoldDays: 30, stopLoss: 0.003 });
    const inPeriod = columns.time.filter((t) => t.slice(0, 10) >= period.from && t.slice(0, 10) <= period.to);
    expect(result.equity.time).toEqual(inPeriod);
    expect(result.trades.length).toBeGreaterThan(3);
    for (const trade of result.trades) {
      expect(trade.entryTime > trade.signalTime, "no fill on the deciding bar").toBe(true);
      if (trade.exitReason === "end_of_period") continue;
      // Bought on day D: sold on D + 2 trading days at the earliest, whatever the bar count.
      expect(trade.exitTime.slice(0, 10) >= addTradingDays(trade.entryTime.slice(0, 10), 2)).toBe(true);
    }
    // Every early exit waited for D + 2 and filled at that day's first bar.
    expect(result.counters.exitsDelayedSettlement).toBeGreaterThan(0);
  });

  it("with T+0 (the futures' settlement) exits fill at the next bar, within the session", () => {
    const result = run({ maxHoldDays: 30, stopLoss: 0.003, settlementDays: 0 });
    const exits = result.trades.filter((t) => t.exitReason !== "end_of_period");
    expect(exits.length).toBeGreaterThan(5);
    const sameSession = exits.filter((t) => t.exitTime.slice(0, 10) === t.entryTime.slice(0, 10));
    expect(sameSession.length).toBeGreaterThan(0);
    for (const trade of sameSession) expect(trade.exitTime > trade.entryTime).toBe(true);
  });

  it("annualises per-bar returns by bars per day and counts drawdown days by date", () => {
    const result = run({ maxHoldDays: 30 });
    expect(periodsPerYearOf(result.equity.time)).toBeGreaterThan(252 * 50);
    expect(periodsPerYearOf(["2023-11-20", "2023-11-21"])).toBe(252);
    expect(calendarDaysBetween("2023-11-20T09:01:00+07:00", "2023-11-22T14:45:00+07:00")).toBe(2);
    expect(result.metrics.cagr).not.toBeNaN();
    expect(Number.isFinite(result.metrics.maxDrawdownDays)).toBe(true);
    // The trades add up to the final equity, as in a daily run.
    const pnl = result.trades.reduce((sum, t) => sum + t.netPnl, 0);
    expect(result.metrics.finalEquity).toBeCloseTo(result.metrics.initialCapital + pnl, 0);
  });

  it("refuses a universe that mixes daily and intraday bars", () => {
    const daily: BarColumns = { ...columns, time: columns.time.map((t) => t.slice(0, 10)) };
    expect(() =>
      runBacktest(
        [
          { symbol: "VN30F1M", exchange: "HNX", columns },
          { symbol: "DAILY", exchange: "HOSE", columns: daily },
        ],
        period,
      ),
    ).toThrow(/all daily or all intraday/);
  });
});
