import { describe, expect, it } from "vitest";
import {
  type IntradayBarSpec as BarSpec,
  intradayColumns as columnsOf,
  simulateOneEntry as simulate,
} from "../../test/support/backtest-fixtures.ts";
import type { BarColumns } from "../bar.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "../market/holiday-calendar.ts";
import { resolveBacktestConfig } from "./backtest-config.ts";
import { createBacktestUniverse } from "./backtest-universe.ts";
import { simulatePortfolio } from "./portfolio-simulation.ts";

/**
 * The session rules of intraday runs on small hand-made bars, where every price is chosen to
 * decide one rule: the band from the session's reference (the previous session's close), holds and
 * T+2 counted in sessions, T+0 for VN30 futures, and no fill in the lunch break or after the close.
 */

/** A flat session at `price`: six bars from the morning to the ATC's print at 14:45. */
function flatSession(price: number): BarSpec[] {
  return ["09:15", "10:00", "11:00", "13:00", "14:00", "14:45"].map(
    (clock) => [clock, price, price] as const,
  );
}

describe("price band of intraday bars: the session's reference (previous session's close)", () => {
  it("does not buy at the ceiling of the session's reference, though it is within ±7 % of the previous bar", () => {
    // Reference 100.0 (Jan 2's close) → HOSE ceiling 107.0 for every bar of Jan 3. The 11:00 bar
    // opens at 107.0: limit-up, no fill. From the previous bar's close (106.9) the ceiling would be 114.3.
    const columns = columnsOf({
      "2024-01-02": flatSession(100),
      "2024-01-03": [
        ["09:15", 101, 104],
        ["10:00", 106, 106.9],
        ["11:00", 107, 107],
        ["13:00", 106.5, 106.5],
      ],
    });
    const result = simulate("AAA", "HOSE", columns, "2024-01-03T10:00:00+07:00", {});
    expect(result.counters.entriesSkippedCeiling).toBe(1);
    expect(result.trades).toEqual([]);
  });

  it("does not sell at the floor of the session's reference: the stop fills at the next bar above it", () => {
    // Bought Jan 2 at 100.0, sellable Jan 4 (T+2). Jan 4's reference is Jan 3's close 100.0 →
    // floor 93.0. The stop (5 %) is decided at 09:15's close 95.0; 10:00 opens at the floor (no
    // fill); 11:00 opens at 93.5 and fills. From the previous bar's close 95.0 the floor would be
    // 88.4 and the sale would have filled at 93.0.
    const columns = columnsOf({
      "2024-01-02": flatSession(100),
      "2024-01-03": flatSession(100),
      "2024-01-04": [
        ["09:15", 97, 95],
        ["10:00", 93, 93.2],
        ["11:00", 93.5, 94],
        ["13:00", 94, 94],
      ],
    });
    const result = simulate("AAA", "HOSE", columns, "2024-01-02T09:15:00+07:00", { stopLoss: 0.05 });
    expect(result.counters.exitsDelayedFloor).toBe(1);
    expect(result.trades.map((t) => [t.exitTime, t.exitPrice, t.exitReason])).toEqual([
      ["2024-01-04T11:00:00+07:00", 93_500, "stop_loss"],
    ]);
  });

  it("bands VN30 futures at ±7 % of the session's reference (HNX stocks: ±10 %)", () => {
    // Futures stored under HNX. Reference 1,000.0 → ceiling 1,070.0: the 10:00 open is limit-up.
    const sessions = {
      "2024-01-02": flatSession(1000),
      "2024-01-03": [
        ["09:15", 1020, 1060],
        ["10:00", 1070, 1070],
        ["11:00", 1065, 1065],
      ] as BarSpec[],
    };
    const future = simulate("VN30F1M", "HNX", columnsOf(sessions), "2024-01-03T09:15:00+07:00", {});
    expect(future.counters.entriesSkippedCeiling).toBe(1);
    const stock = simulate("SHS", "HNX", columnsOf(sessions), "2024-01-03T09:15:00+07:00", {});
    expect(stock.trades[0]?.entryPrice).toBe(1_070_000);
  });
});

describe("holds and settlement of intraday bars, counted in sessions", () => {
  const fiveSessions = {
    "2024-01-02": flatSession(100),
    "2024-01-03": flatSession(100),
    "2024-01-04": flatSession(100),
    "2024-01-05": flatSession(100),
    "2024-01-08": flatSession(100),
  };

  it("holds maxHoldDays sessions, not bars, and exits on the same session as a daily run of the same days", () => {
    const intraday = simulate("AAA", "HOSE", columnsOf(fiveSessions), "2024-01-02T14:45:00+07:00", {
      maxHoldDays: 2,
    });
    // Bought at Jan 3's first bar; two sessions held (Jan 4, Jan 5); sold at the next session's open.
    expect(intraday.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason, t.holdingDays])).toEqual([
      ["2024-01-03T09:15:00+07:00", "2024-01-08T09:15:00+07:00", "max_hold", 3],
    ]);
    // The same sessions as daily bars (one bar each): the same exit session and holding days.
    const dates = Object.keys(fiveSessions);
    const daily: BarColumns = {
      time: dates,
      open: Float64Array.from(dates, () => 100),
      high: Float64Array.from(dates, () => 100),
      low: Float64Array.from(dates, () => 100),
      close: Float64Array.from(dates, () => 100),
      volume: Float64Array.from(dates, () => 1_000),
    };
    const universe = createBacktestUniverse(
      [{ symbol: "AAA", exchange: "HOSE", columns: daily, records: [] }],
      {
        from: dates[0]!,
        to: dates.at(-1)!,
      },
    );
    const byDay = simulatePortfolio(
      universe,
      resolveBacktestConfig({ positionFraction: 1, maxPositions: 1, stopLoss: null, maxHoldDays: 2 }),
      [
        {
          symbolIndex: 0,
          symbol: "AAA",
          bar: 0,
          day: 0,
          time: dates[0]!,
          type: "SELLING_CLIMAX",
          score: 80,
          confidence: 1,
        },
      ],
      [new Uint8Array(5)],
      DEFAULT_HOLIDAY_CALENDAR,
    );
    expect(byDay.trades.map((t) => [t.exitTime, t.holdingDays])).toEqual([["2024-01-08", 3]]);
  });

  it("keeps a stock bought in the morning unsold until T+2 sessions later, then sells at that session's first bar", () => {
    const columns = columnsOf({
      "2024-01-02": [
        ["09:15", 100, 100],
        ["10:00", 100, 90], // bought at 10:00's open; the stop is decided at its close
        ["11:00", 90, 90],
        ["13:00", 90, 90],
        ["14:45", 90, 90],
      ],
      "2024-01-03": flatSession(90),
      "2024-01-04": flatSession(90),
    });
    const result = simulate("AAA", "HOSE", columns, "2024-01-02T09:15:00+07:00", { stopLoss: 0.05 });
    expect(result.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason, t.holdingDays])).toEqual([
      ["2024-01-02T10:00:00+07:00", "2024-01-04T09:15:00+07:00", "stop_loss", 2],
    ]);
    // It waited at every bar from Jan 2 11:00 to Jan 3 14:45: 3 + 6 bars.
    expect(result.counters.exitsDelayedSettlement).toBe(9);
  });

  it("closes a VN30 future in the session it was opened (T+0), whatever the stocks' settlement", () => {
    const columns = columnsOf({
      "2024-01-02": [
        ["09:00", 1000, 1000],
        ["10:00", 1000, 940],
        ["11:00", 945, 945],
        ["13:00", 945, 945],
      ],
    });
    const result = simulate("VN30F1M", "HNX", columns, "2024-01-02T09:00:00+07:00", {
      stopLoss: 0.05,
      settlementDays: 2,
    });
    expect(result.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason, t.exitPrice])).toEqual([
      ["2024-01-02T10:00:00+07:00", "2024-01-02T11:00:00+07:00", "stop_loss", 945_000],
    ]);
  });
});

describe("intraday fills only while the market matches orders", () => {
  it("fills no exit in the lunch break: a stop decided before lunch fills at the afternoon's first bar", () => {
    const columns = columnsOf({
      "2024-01-02": [
        ["09:00", 1000, 1000],
        ["10:00", 1000, 1000],
        ["11:29", 1000, 940], // the stop, decided at the morning's last close
        ["12:10", 930, 930], // a bar in the lunch break (a feed's stray print): no fill there
        ["13:00", 950, 955],
        ["14:45", 955, 955],
      ],
    });
    const result = simulate("VN30F1M", "HNX", columns, "2024-01-02T09:00:00+07:00", { stopLoss: 0.05 });
    expect(result.trades.map((t) => [t.exitTime, t.exitPrice])).toEqual([
      ["2024-01-02T13:00:00+07:00", 950_000],
    ]);
  });

  it("fills nothing after the close: an exit decided at the session's last bar fills at the next session's open", () => {
    const columns = columnsOf({
      "2024-01-02": [
        ["09:15", 100, 100],
        ["14:45", 100, 100],
      ],
      "2024-01-03": [
        ["09:15", 100, 100],
        ["14:45", 100, 100],
      ],
      "2024-01-04": [
        ["09:15", 100, 100],
        ["14:30", 100, 94], // the stop, decided at the ATC's open bar
        ["14:45", 94, 93.5], // the ATC: the sale fills here, within the session
        ["14:50", 96, 96], // HOSE's put-through window: no order-book fill
      ],
      "2024-01-05": [
        ["09:15", 95, 95],
        ["14:45", 95, 95],
      ],
    });
    const result = simulate("AAA", "HOSE", columns, "2024-01-02T09:15:00+07:00", { stopLoss: 0.05 });
    expect(result.trades.map((t) => [t.exitTime, t.exitPrice])).toEqual([
      ["2024-01-04T14:45:00+07:00", 94_000],
    ]);

    // The same stop decided on the ATC's print (the last bar that can trade): the put-through bar
    // is skipped and the sale waits for the next session's opening.
    const late = columnsOf({
      "2024-01-02": [
        ["09:15", 100, 100],
        ["14:45", 100, 100],
      ],
      "2024-01-03": [
        ["09:15", 100, 100],
        ["14:45", 100, 100],
      ],
      "2024-01-04": [
        ["09:15", 100, 100],
        ["14:45", 100, 94],
        ["14:50", 96, 96],
      ],
      "2024-01-05": [
        ["09:15", 95, 95],
        ["14:45", 95, 95],
      ],
    });
    const next = simulate("AAA", "HOSE", late, "2024-01-02T09:15:00+07:00", { stopLoss: 0.05 });
    expect(next.trades.map((t) => [t.exitTime, t.exitPrice])).toEqual([
      ["2024-01-05T09:15:00+07:00", 95_000],
    ]);
  });
});

describe("UPCOM's band: from the previous session's volume-weighted average price, not its close", () => {
  // Jan 2: 9,000 shares at 100.0, then 1,000 at 110.0 in the last minute. Volume-weighted
  // average (each bar at its typical price, (high + low + close) / 3) 101.0 → UPCOM ceiling
  // +15 % 116.1 (116.15 down to the tick). From the close (110.0) it would be 126.5.
  const columnsWithVolume = (volumeOnJan2: number): BarColumns =>
    columnsOf({
      "2024-01-02": [
        ["09:15", 100, 100, 9_000 * volumeOnJan2],
        ["15:00", 110, 110, 1_000 * volumeOnJan2],
      ],
      "2024-01-03": [
        ["09:15", 116.1, 116.1],
        ["10:00", 115, 115],
      ],
    });

  it("does not buy at an open at the ceiling of the average price, though far under the close's", () => {
    const result = simulate("CCC", "UPCOM", columnsWithVolume(1), "2024-01-02T15:00:00+07:00", {});
    expect(result.counters.entriesSkippedCeiling).toBe(1);
    expect(result.trades).toEqual([]);
  });

  it("keeps the close for HNX (its reference), and for UPCOM after a session with no volume", () => {
    const hnx = simulate("CCC", "HNX", columnsWithVolume(1), "2024-01-02T15:00:00+07:00", {});
    expect(hnx.trades.map((t) => [t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-03T09:15:00+07:00", 116_100],
    ]);
    const silent = simulate("CCC", "UPCOM", columnsWithVolume(0), "2024-01-02T15:00:00+07:00", {});
    expect(silent.trades.map((t) => [t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-03T09:15:00+07:00", 116_100],
    ]);
  });
});

describe("flat at the close (exitAtSessionEnd): day trading", () => {
  const twoSessions = {
    "2024-01-02": [
      ["09:00", 1000, 1000],
      ["10:00", 1000, 1010],
      ["11:00", 1010, 1020],
      ["13:00", 1020, 1015],
      ["14:30", 1015, 1012],
      ["14:45", 1012, 1012.3], // the ATC's print
    ] as BarSpec[],
    "2024-01-03": [
      ["09:00", 1030, 1030],
      ["10:00", 1030, 1030],
      ["14:45", 1030, 1030],
    ] as BarSpec[],
  };

  it("sells a VN30 future in the closing auction of the session it was bought in, at the session's close", () => {
    const result = simulate("VN30F1M", "HNX", columnsOf(twoSessions), "2024-01-02T09:00:00+07:00", {
      exitAtSessionEnd: true,
    });
    expect(
      result.trades.map((t) => [t.entryTime, t.exitTime, t.exitPrice, t.exitReason, t.holdingDays]),
    ).toEqual([["2024-01-02T10:00:00+07:00", "2024-01-02T14:45:00+07:00", 1_012_300, "session_end", 0]]);
    // No position overnight: none open at the session's last close.
    expect(result.curve.positions[5]).toBe(0);
    // Without the option the future is carried overnight (to the end of the period here).
    const held = simulate("VN30F1M", "HNX", columnsOf(twoSessions), "2024-01-02T09:00:00+07:00", {});
    expect(held.trades.map((t) => [t.exitTime, t.exitReason])).toEqual([
      ["2024-01-03T14:45:00+07:00", "end_of_period"],
    ]);
  });

  it("fills no entry in the closing auction (it would be sold in the same print)", () => {
    const result = simulate("VN30F1M", "HNX", columnsOf(twoSessions), "2024-01-02T14:30:00+07:00", {
      exitAtSessionEnd: true,
    });
    expect(result.counters.entriesSkippedSessionEnd).toBe(1);
    expect(result.trades).toEqual([]);
  });

  it("keeps a stock bought today until T+2, then sells it at that session's close", () => {
    const columns = columnsOf({
      "2024-01-02": flatSession(100),
      "2024-01-03": flatSession(100),
      "2024-01-04": [...flatSession(100).slice(0, 5), ["14:45", 100, 102]],
      "2024-01-05": flatSession(103),
    });
    const result = simulate("AAA", "HOSE", columns, "2024-01-02T09:15:00+07:00", { exitAtSessionEnd: true });
    expect(
      result.trades.map((t) => [t.entryTime, t.exitTime, t.exitPrice, t.exitReason, t.holdingDays]),
    ).toEqual([["2024-01-02T10:00:00+07:00", "2024-01-04T14:45:00+07:00", 102_000, "session_end", 2]]);
  });
});
