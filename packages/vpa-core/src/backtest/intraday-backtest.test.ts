import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bar.ts";
import {
  INDEX_FUTURE_FEES_PER_CONTRACT_VND,
  INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND,
  INDEX_FUTURE_SHARES_PER_CONTRACT,
  INDEX_FUTURE_TAX_RATE,
} from "../market/index-futures.ts";
import { priceBand } from "../market/price-band.ts";
import { addTradingDays } from "../market/settlement.ts";
import { minuteOfDay } from "../market/trading-sessions.ts";
import { DERIVATIVES_SESSIONS } from "../provisional/derivatives-sessions.ts";
import { calendarDaysBetween, periodsPerYearOf } from "./backtest-metrics.ts";
import { toTickPriceVnd } from "./fill-model.ts";
import { runBacktest } from "./run-backtest.ts";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** The real VN30F1M minutes (7,615 bars, Nov 2023 – Jan 2024), next to the repository; may be absent. */
const SHARED_MINUTES = `${repositoryRoot}../shared/data/vn30f1m-1m-2023-11-2024-01.csv`;
/** The repository's slice of it (the first 2,400 bars): what CI has. */
const FIXTURE_MINUTES = `${repositoryRoot}fixtures/vn30f1m-1m-sample.csv`;

/** The real VN30F1M 1-minute bars as columns: the whole shared file when present, else the repo's slice. */
function vn30f1mMinutes(): { readonly source: string; readonly columns: BarColumns } {
  const source = existsSync(SHARED_MINUTES) ? SHARED_MINUTES : FIXTURE_MINUTES;
  const rows = readFileSync(source, "utf8")
    .split("\n")
    .filter((line) => /^\d{4}-/.test(line))
    .map((line) => line.split(","));
  const column = (i: number) => Float64Array.from(rows, (row) => Number(row[i]));
  return {
    source,
    columns: {
      time: rows.map((row) => `${row[0]!.replace(" ", "T")}+07:00`),
      open: column(1),
      high: column(2),
      low: column(3),
      close: column(4),
      volume: column(5),
    },
  };
}

const { source, columns } = vn30f1mMinutes();
const dates = [...new Set(columns.time.map((t) => t.slice(0, 10)))];
const period = { from: dates[3]!, to: dates.at(-1)! };
/** Minute of the day of a bar time in bar-time notation (local clock). */
const clockOf = (time: string) => minuteOfDay(time.slice(11, 16));
/** The previous session's last close of each date (the band's reference), from the data. */
const referenceOf = new Map<string, number>();
for (let i = 1; i < columns.time.length; i++) {
  const date = columns.time[i]!.slice(0, 10);
  if (date !== columns.time[i - 1]!.slice(0, 10)) referenceOf.set(date, columns.close[i - 1]!);
}
/** Index of each date among the data's sessions. */
const sessionIndex = new Map(dates.map((date, index) => [date, index]));

function run(symbol: string, exchange: "HNX" | "HOSE", config: Parameters<typeof runBacktest>[2]) {
  return runBacktest([{ symbol, exchange, columns }], period, {
    minScore: 0,
    positionFraction: 1,
    maxPositions: 1,
    ...config,
  });
}

describe(`intraday backtests on the real VN30F1M minutes (${source.endsWith("sample.csv") ? "repo slice" : "whole shared file"})`, () => {
  it("trades bar by bar and fills only in the futures' trading hours: never in the lunch break or after the close", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 3, stopLoss: 0.003 });
    const inPeriod = columns.time.filter((t) => t.slice(0, 10) >= period.from && t.slice(0, 10) <= period.to);
    expect(result.equity.time).toEqual(inPeriod);
    expect(result.trades.length).toBeGreaterThan(10);
    const open = minuteOfDay(DERIVATIVES_SESSIONS[0]!.start);
    const close = minuteOfDay(DERIVATIVES_SESSIONS.at(-1)!.end);
    const fills = result.trades.flatMap((t) =>
      t.exitReason === "end_of_period" ? [t.entryTime] : [t.entryTime, t.exitTime],
    );
    for (const time of fills) {
      const minute = clockOf(time);
      expect(
        minute > minuteOfDay("11:30") && minute < minuteOfDay("13:00"),
        `${time}: in the lunch break`,
      ).toBe(false);
      expect(minute >= open && minute <= close, `${time}: outside 08:45–14:45`).toBe(true);
    }
    for (const trade of result.trades)
      expect(trade.entryTime > trade.signalTime, "no fill on the deciding bar").toBe(true);
  });

  it("counts a run's trading days as its sessions and its minutes as its bars", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 3, stopLoss: 0.003 });
    const inPeriod = columns.time.filter((t) => t.slice(0, 10) >= period.from);
    expect(result.period).toMatchObject({ sessions: dates.length - 3, bars: inPeriod.length });
  });

  it("says why a sizing too small for one contract never trades: 10 % of 1 bn VND paid in full", () => {
    // One contract at ~1,100 points is worth ~110 M VND, more than the 100 M a position may take.
    const result = run("VN30F1M", "HNX", { initialCapital: 1e9, positionFraction: 0.1, stopLoss: 0.003 });
    expect(result.trades).toEqual([]);
    expect(result.counters.entriesSkippedBelowOneLot).toBeGreaterThan(10);
    expect(result.counters.entriesSkippedCash).toBe(0);
  });

  it("fills every price within the session's ±7 % band of the previous session's close", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 3, stopLoss: 0.003, slippageTicks: 3 });
    let checked = 0;
    for (const trade of result.trades) {
      for (const [time, price] of [
        [trade.entryTime, trade.entryPrice],
        [trade.exitTime, trade.exitPrice],
      ] as const) {
        const reference = referenceOf.get(time.slice(0, 10));
        if (reference === undefined) continue;
        const band = priceBand("HNX", toTickPriceVnd("HNX", reference), { basisPoints: 700 });
        expect(price, `${time}`).toBeGreaterThanOrEqual(band.floor);
        expect(price, `${time}`).toBeLessThanOrEqual(band.ceiling);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("measures holds in sessions: a max-hold of 2 sells at the open of the third session after the entry's", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 2, stopLoss: null, exitOnBearSignal: false });
    const maxHold = result.trades.filter((t) => t.exitReason === "max_hold");
    expect(maxHold.length).toBeGreaterThan(2);
    for (const trade of maxHold) {
      const sessions =
        sessionIndex.get(trade.exitTime.slice(0, 10))! - sessionIndex.get(trade.entryTime.slice(0, 10))!;
      expect([trade.holdingDays, sessions]).toEqual([3, 3]);
      // The session's first bar: the decision was the previous session's last close.
      const bar = columns.time.indexOf(trade.exitTime);
      expect(columns.time[bar - 1]!.slice(0, 10), trade.exitTime).not.toBe(trade.exitTime.slice(0, 10));
    }
    for (const trade of result.trades) {
      const sessions =
        sessionIndex.get(trade.exitTime.slice(0, 10))! - sessionIndex.get(trade.entryTime.slice(0, 10))!;
      expect(trade.holdingDays).toBe(sessions);
    }
  });

  it("costs a futures trade per contract (fees, income tax both ways, a fee per night held), not as a stock", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 2, stopLoss: null, exitOnBearSignal: false });
    expect(result.trades.length).toBeGreaterThan(2);
    for (const trade of result.trades) {
      const contracts = trade.quantity / INDEX_FUTURE_SHARES_PER_CONTRACT;
      expect(Number.isInteger(contracts) && contracts > 0, `${trade.quantity} shares`).toBe(true);
      const nights = trade.holdingDays;
      expect(trade.fees, trade.entryTime).toBeCloseTo(
        contracts *
          (2 * INDEX_FUTURE_FEES_PER_CONTRACT_VND + nights * INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND),
        6,
      );
      const value = (trade.entryPrice + trade.exitPrice) * trade.quantity;
      expect(trade.tax).toBeCloseTo(value * INDEX_FUTURE_TAX_RATE, 6);
      expect(trade.netPnl).toBeCloseTo(trade.grossPnl - trade.fees - trade.tax, 6);
    }
    // Under the stock rules (0.15 % a side and 0.1 % on the sale) the same trades cost ~15× more.
    const costs = result.trades.reduce((sum, t) => sum + t.fees + t.tax, 0);
    const traded = result.trades.reduce((sum, t) => sum + t.entryPrice * t.quantity, 0);
    expect(costs / traded).toBeLessThan(0.0005);
  });

  it("closes the futures within the session they were opened (T+0), with the stocks' T+2 configured", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 30, stopLoss: 0.003, settlementDays: 2 });
    const exits = result.trades.filter((t) => t.exitReason !== "end_of_period");
    expect(exits.length).toBeGreaterThan(5);
    const sameSession = exits.filter((t) => t.exitTime.slice(0, 10) === t.entryTime.slice(0, 10));
    expect(sameSession.length).toBeGreaterThan(0);
    for (const trade of sameSession) expect(trade.exitTime > trade.entryTime).toBe(true);
    expect(result.counters.exitsDelayedSettlement).toBe(0);
  });

  it("flat at the close: every futures trade is closed in its own session, none carried overnight", () => {
    const result = run("VN30F1M", "HNX", { stopLoss: 0.003, exitAtSessionEnd: true });
    expect(result.trades.length).toBeGreaterThan(10);
    for (const trade of result.trades)
      expect(trade.exitTime.slice(0, 10), trade.entryTime).toBe(trade.entryTime.slice(0, 10));
    const flat = result.trades.filter((t) => t.exitReason === "session_end");
    expect(flat.length).toBeGreaterThan(0);
    // Sold at the session's last bar (the ATC's 14:45 print on full days), at its close.
    for (const trade of flat) {
      const bar = columns.time.indexOf(trade.exitTime);
      expect(columns.time[bar + 1]?.slice(0, 10) ?? "", trade.exitTime).not.toBe(trade.exitTime.slice(0, 10));
      expect(trade.exitPrice).toBe(toTickPriceVnd("HNX", columns.close[bar]!));
    }
    const { time, positions } = result.equity;
    for (let i = 0; i < time.length; i++)
      if (time[i + 1]?.slice(0, 10) !== time[i]!.slice(0, 10)) expect(positions[i], time[i]).toBe(0);
  });

  it("keeps a stock's T+2 in trading days, not bars: the same minutes traded as a HOSE stock", () => {
    const result = run("STOCK", "HOSE", { maxHoldDays: 30, stopLoss: 0.003 });
    expect(result.trades.length).toBeGreaterThan(3);
    for (const trade of result.trades) {
      if (trade.exitReason === "end_of_period") continue;
      // Bought on day D: sold on D + 2 trading days at the earliest, whatever the bar count.
      expect(trade.exitTime.slice(0, 10) >= addTradingDays(trade.entryTime.slice(0, 10), 2)).toBe(true);
    }
    // Every early exit waited for D + 2.
    expect(result.counters.exitsDelayedSettlement).toBeGreaterThan(0);
  });

  it("annualises per-bar returns by bars per day and counts drawdown days by date", () => {
    const result = run("VN30F1M", "HNX", { maxHoldDays: 30 });
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
