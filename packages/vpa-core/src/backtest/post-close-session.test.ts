import { describe, expect, it } from "vitest";
import {
  dailySymbol,
  intradayColumns,
  signalRecord,
  simulateOneEntry,
} from "../../test/support/backtest-fixtures.ts";
import type { BarColumns } from "../bar.ts";
import type { Exchange } from "../market/exchange.ts";
import { type BacktestConfig, resolveBacktestConfig } from "./backtest-config.ts";
import { type AnalyzedSymbol, createBacktestUniverse } from "./backtest-universe.ts";
import { runBacktestOnUniverse } from "./run-backtest.ts";

/**
 * HNX's post-close session (PLO, 14:45–15:00: orders match only at the day's closing price;
 * vn-market.md §1) with `hnxPostClose`: an order decided on the close of an HNX stock's session
 * fills at that close in the same session's PLO, when the data has no bar of the PLO itself.
 */

/** Daily bars as [date, open, close] of one symbol, with a signal on `signalDate`. */
function daily(
  symbol: string,
  exchange: Exchange,
  bars: readonly (readonly [string, number, number])[],
  signalDate: string,
): AnalyzedSymbol {
  return dailySymbol(symbol, bars, [signalRecord(symbol, signalDate)], exchange);
}

const STRATEGY: Partial<BacktestConfig> = {
  initialCapital: 100_000_000,
  positionFraction: 0.5,
  stopLoss: null,
  takeProfit: 0.1,
  exitOnBearSignal: false,
};

function runDaily(symbol: AnalyzedSymbol, config: Partial<BacktestConfig>) {
  const universe = createBacktestUniverse([symbol], { from: "2024-01-02", to: "2024-01-31" });
  return runBacktestOnUniverse(universe, { ...STRATEGY, ...config });
}

/** Signal on Wed Jan 3's close (20.0); take profit (+10 %) on Thu Jan 4's close (22.5). */
const RISING = [
  ["2024-01-02", 19.5, 19.8],
  ["2024-01-03", 19.8, 20.0],
  ["2024-01-04", 20.0, 22.5],
  ["2024-01-05", 22.8, 22.6],
  ["2024-01-08", 22.3, 22.0],
] as const;

const tradeLine = (t: {
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  exitReason: string;
}) => [t.entryTime, t.entryPrice, t.exitTime, t.exitPrice, t.exitReason];

describe("daily bars: HNX stocks fill at the close in the post-close session", () => {
  it("buys an HNX stock at the signal's close the same day, and T+2 counts from that day", () => {
    const result = runDaily(daily("AAA", "HNX", RISING, "2024-01-03"), { hnxPostClose: true });
    // Bought Jan 3 at 20,000 in the PLO; the take profit decided on Jan 4's close cannot sell
    // before T+2 (Jan 5): it fills at Jan 5's open, 22,800.
    expect(result.trades.map(tradeLine)).toEqual([
      ["2024-01-03", 20_000, "2024-01-05", 22_800, "take_profit"],
    ]);
    expect(result.counters.filledPostClose).toBe(1);
    // Jan 3's close: the position is held at the close it was bought at (equity less the fee).
    // Budget 50,000,000 / (20,000 × 1.0015) → 2,400 shares, 48,000,000 + 72,000 brokerage.
    expect(result.equity.equity[1]).toBeCloseTo(100_000_000 - 72_000, 6);
  });

  it("without the option, the same signal buys at the next open and sells two sessions later", () => {
    const result = runDaily(daily("AAA", "HNX", RISING, "2024-01-03"), {});
    expect(result.trades.map(tradeLine)).toEqual([
      ["2024-01-04", 20_000, "2024-01-08", 22_300, "take_profit"],
    ]);
    expect(result.counters.filledPostClose).toBe(0);
  });

  it("changes nothing for HOSE (no post-close matching) or a VN30 future (the derivatives market has none)", () => {
    for (const [symbol, exchange] of [
      ["AAA", "HOSE"],
      ["VN30F1M", "HNX"],
    ] as const) {
      const result = runDaily(daily(symbol, exchange, RISING, "2024-01-03"), { hnxPostClose: true });
      expect(result.trades[0]?.entryTime, `${symbol} on ${exchange}`).toBe("2024-01-04");
      expect(result.counters.filledPostClose).toBe(0);
    }
  });

  it("sells at the close of the session whose close decided the exit, once T+2 allows", () => {
    // Bought Jan 3 at 20,000 (PLO). Jan 5 (T+2) closes at 18,500 ≤ 20,000 × 0.93: the stop is
    // decided on that close and fills at it in Jan 5's PLO, not at Jan 8's open (16,200).
    const falling = daily(
      "AAA",
      "HNX",
      [
        ["2024-01-02", 19.5, 19.8],
        ["2024-01-03", 19.8, 20.0],
        ["2024-01-04", 20.0, 19.9],
        ["2024-01-05", 19.5, 18.5],
        ["2024-01-08", 16.2, 16.5],
      ],
      "2024-01-03",
    );
    const result = runDaily(falling, { hnxPostClose: true, stopLoss: 0.07, takeProfit: null });
    expect(result.trades.map(tradeLine)).toEqual([["2024-01-03", 20_000, "2024-01-05", 18_500, "stop_loss"]]);
    expect(result.counters.filledPostClose).toBe(2);
  });

  it("does not buy at a close at the ceiling (no seller at the limit): the order waits for the next open", () => {
    // Jan 2 closes at 20.0 → HNX ceiling +10 % = 22.0; Jan 3 closes there, limit-up.
    const limitUp = daily(
      "AAA",
      "HNX",
      [
        ["2024-01-02", 19.5, 20.0],
        ["2024-01-03", 21.0, 22.0],
        ["2024-01-04", 22.3, 22.5],
        ["2024-01-05", 22.8, 22.6],
      ],
      "2024-01-03",
    );
    const result = runDaily(limitUp, { hnxPostClose: true });
    expect(result.trades[0]?.entryTime).toBe("2024-01-04");
    expect(result.trades[0]?.entryPrice).toBe(22_300);
    expect(result.counters.filledPostClose).toBe(0);
  });

  it("is refused when not true or false", () => {
    expect(() => resolveBacktestConfig({ hnxPostClose: "yes" as unknown as boolean })).toThrow(
      /hnxPostClose: true or false/,
    );
  });
});

const simulateIntraday = (columns: BarColumns, signalTime: string, config: Partial<BacktestConfig>) =>
  simulateOneEntry("BBB", "HNX", columns, signalTime, config);

describe("intraday bars of an HNX stock", () => {
  const untilAtc = {
    "2024-01-02": [
      ["10:00", 100, 100],
      ["14:30", 100, 101],
      ["14:45", 101, 102], // the ATC's print, the data's last bar of the day
    ],
    "2024-01-03": [
      ["09:00", 104, 104],
      ["14:45", 104, 104],
    ],
  } as const;

  it("with data ending at the ATC: an order decided on its print fills at it in the PLO", () => {
    const result = simulateIntraday(intradayColumns(untilAtc), "2024-01-02T14:45:00+07:00", {
      hnxPostClose: true,
    });
    expect(result.trades.map((t) => [t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-02T14:45:00+07:00", 102_000],
    ]);
    const without = simulateIntraday(intradayColumns(untilAtc), "2024-01-02T14:45:00+07:00", {});
    expect(without.trades.map((t) => [t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-03T09:00:00+07:00", 104_000],
    ]);
  });

  it("an order decided before the session's last bar fills at the next bar's open, as always", () => {
    const result = simulateIntraday(intradayColumns(untilAtc), "2024-01-02T10:00:00+07:00", {
      hnxPostClose: true,
    });
    expect(result.trades.map((t) => [t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-02T14:30:00+07:00", 100_000],
    ]);
    expect(result.counters.filledPostClose).toBe(0);
  });

  it("with the PLO's own bars in the data, they are the post-close session: nothing fills after the last", () => {
    const withPlo = {
      "2024-01-02": [...untilAtc["2024-01-02"], ["14:50", 102, 102], ["15:00", 102, 102]],
      "2024-01-03": untilAtc["2024-01-03"],
    } as const;
    // Decided on the ATC's print: the next bar (14:50, in the PLO) fills it, option or not.
    const atc = simulateIntraday(intradayColumns(withPlo), "2024-01-02T14:45:00+07:00", {
      hnxPostClose: true,
    });
    expect(atc.trades.map((t) => t.entryTime)).toEqual(["2024-01-02T14:50:00+07:00"]);
    expect(atc.counters.filledPostClose).toBe(0);
    // Decided on the PLO's last bar: the session is over; the next session's first bar fills it.
    const last = simulateIntraday(intradayColumns(withPlo), "2024-01-02T15:00:00+07:00", {
      hnxPostClose: true,
    });
    expect(last.trades.map((t) => t.entryTime)).toEqual(["2024-01-03T09:00:00+07:00"]);
  });
});
