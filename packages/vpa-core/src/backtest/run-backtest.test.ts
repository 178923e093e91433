import { describe, expect, it } from "vitest";
import { dailySymbol, signalRecord } from "../../test/support/backtest-fixtures.ts";
import { FIXTURE_DAILY_DATA_PATH, readDailyBarsCsvGz } from "../../test/support/daily-bars-csv.ts";
import { analyze } from "../analysis/analyze.ts";
import type { BacktestConfig } from "./backtest-config.ts";
import { type AnalyzedSymbol, analyzeBacktestSymbol, createBacktestUniverse } from "./backtest-universe.ts";
import { equalWeightBenchmark } from "./benchmark-series.ts";
import { runBacktest, runBacktestOnUniverse } from "./run-backtest.ts";

const symbolWith = dailySymbol;
const signal = signalRecord;

const PERIOD = { from: "2024-01-02", to: "2024-01-31" };
const BASE: Partial<BacktestConfig> = {
  initialCapital: 100_000_000,
  positionFraction: 0.5,
  stopLoss: null,
  takeProfit: 0.1,
  exitOnBearSignal: false,
};

function run(symbols: AnalyzedSymbol[], config: Partial<BacktestConfig> = {}) {
  return runBacktestOnUniverse(createBacktestUniverse(symbols, PERIOD), { ...BASE, ...config });
}

describe("one trade, checked by hand", () => {
  // Signal at Wed Jan 3's close → buy at Thu Jan 4's open. Take profit (+10%) reads Jan 4's close
  // (22,500 ≥ 22,000), but T+2 forbids selling on Fri Jan 5: the sale waits for Mon Jan 8's open.
  const aaa = symbolWith(
    "AAA",
    [
      ["2024-01-02", 19.5, 19.8],
      ["2024-01-03", 19.8, 20.0],
      ["2024-01-04", 20.0, 22.5],
      ["2024-01-05", 22.8, 22.6],
      ["2024-01-08", 22.3, 22.0],
    ],
    [signal("AAA", "2024-01-03", "SELLING_CLIMAX", 80)],
  );

  it("buys board lots at the next open, pays fees and tax, and sells from T+2", () => {
    const result = run([aaa]);
    // Budget 0.5 × 100,000,000 = 50,000,000; 50,000,000 / (20,000 × 1.0015) = 2,496.3 → 2,400 shares.
    // Buy: 48,000,000 + 0.15% = 72,000 → cash 51,928,000.
    // Sell 2,400 at 22,300 = 53,520,000 − 0.15% (80,280) − 0.1% tax (53,520) = 53,386,200.
    // Net: (22,300 − 20,000) × 2,400 = 5,520,000 − 152,280 − 53,520 = 5,314,200.
    expect(result.trades).toEqual([
      {
        symbol: "AAA",
        signalType: "SELLING_CLIMAX",
        signalTime: "2024-01-03",
        signalScore: 80,
        entryTime: "2024-01-04",
        entryPrice: 20_000,
        quantity: 2_400,
        exitTime: "2024-01-08",
        exitPrice: 22_300,
        exitReason: "take_profit",
        holdingDays: 2,
        grossPnl: 5_520_000,
        fees: expect.closeTo(152_280, 6),
        tax: expect.closeTo(53_520, 6),
        netPnl: expect.closeTo(5_314_200, 6),
        netReturn: expect.closeTo(5_314_200 / 48_072_000, 12),
      },
    ]);
    expect(result.counters.exitsDelayedSettlement).toBe(1);
    // Closes: Jan 2–3 all cash; Jan 4 51,928,000 + 2,400 × 22,500; Jan 5 × 22,600; Jan 8 cash after the sale.
    expect(result.equity.equity).toEqual([
      100_000_000,
      100_000_000,
      51_928_000 + 2_400 * 22_500,
      51_928_000 + 2_400 * 22_600,
      expect.closeTo(105_314_200, 4),
    ]);
    expect(result.metrics.totalReturn).toBeCloseTo(0.053142, 9);
    expect(result.metrics.feesPaid).toBeCloseTo(152_280, 6);
    expect(result.metrics.taxPaid).toBeCloseTo(53_520, 6);
  });

  it("does not buy when the next open is at the ceiling (HOSE: 20,000 + 7% = 21,400)", () => {
    const limitUp = symbolWith(
      "AAA",
      [
        ["2024-01-02", 19.5, 19.8],
        ["2024-01-03", 19.8, 20.0],
        ["2024-01-04", 21.4, 21.4],
        ["2024-01-05", 22.8, 22.6],
      ],
      aaa.records,
    );
    const result = run([limitUp]);
    expect(result.trades).toEqual([]);
    expect(result.counters.entriesSkippedCeiling).toBe(1);
    expect(result.metrics.finalEquity).toBe(100_000_000);
  });

  it("holds a stopped position while the open is at the floor, and sells at the next open", () => {
    // Entry 20,000; Jan 4 close 18,500 ≤ 20,000 × 0.93 → stop. Jan 5 is T+1. Jan 8 opens at
    // 16,100 = the floor of 17,300 (16,089 rounded up to the tick of 50): no sale. Jan 9 sells at 16,500.
    const falling = symbolWith(
      "AAA",
      [
        ["2024-01-02", 19.5, 19.8],
        ["2024-01-03", 19.8, 20.0],
        ["2024-01-04", 20.0, 18.5],
        ["2024-01-05", 18.0, 17.3],
        ["2024-01-08", 16.1, 16.2],
        ["2024-01-09", 16.5, 16.8],
      ],
      aaa.records,
    );
    const result = run([falling], { stopLoss: 0.07 });
    expect(result.trades.map((t) => [t.exitTime, t.exitPrice, t.exitReason])).toEqual([
      ["2024-01-09", 16_500, "stop_loss"],
    ]);
    expect(result.counters.exitsDelayedFloor).toBe(1);
  });

  it("exits on a bear signal, after a maximum holding time, and on a trailing stop", () => {
    const bars = [
      ["2024-01-02", 19.5, 19.8],
      ["2024-01-03", 19.8, 20.0],
      ["2024-01-04", 20.0, 20.5],
      ["2024-01-05", 20.5, 21.0],
      ["2024-01-08", 21.0, 20.4],
      ["2024-01-09", 20.4, 20.6],
      ["2024-01-10", 20.6, 20.8],
    ] as const;
    const bear = symbolWith("AAA", bars, [
      ...aaa.records,
      signal("AAA", "2024-01-05", "UPTHRUST", 50, "bear"),
    ]);
    expect(run([bear], { exitOnBearSignal: true }).trades.map((t) => [t.exitTime, t.exitReason])).toEqual([
      ["2024-01-08", "bear_signal"],
    ]);
    // Entered on session 2 (Jan 4); at session 5's close (Jan 9) 3 sessions have passed → sell Jan 10.
    expect(
      run([bear], { maxHoldDays: 3 }).trades.map((t) => [t.exitTime, t.exitReason, t.holdingDays]),
    ).toEqual([["2024-01-10", "max_hold", 4]]);
    // Peak close 21,000 (Jan 5); Jan 8 closes at 20,400. A 3% trail stops at 20,370: not hit (the
    // position is sold at the end of the period). A 2.5% trail stops at 20,475: hit → sell at Jan 9's open.
    expect(run([bear], { trailingStop: 0.03 }).trades[0]?.exitReason).toBe("end_of_period");
    expect(run([bear], { trailingStop: 0.025 }).trades.map((t) => [t.exitTime, t.exitReason])).toEqual([
      ["2024-01-09", "trailing_stop"],
    ]);
  });

  it("with requireConfirmation, enters only after the confirmation's close (t+2's open)", () => {
    const confirmed = symbolWith(
      "AAA",
      [
        ["2024-01-02", 19.5, 19.8],
        ["2024-01-03", 19.8, 20.0],
        ["2024-01-04", 20.0, 20.5],
        ["2024-01-05", 20.6, 21.0],
        ["2024-01-08", 21.0, 21.2],
      ],
      [
        ...aaa.records,
        {
          kind: "confirmation",
          symbol: "AAA",
          time: "2024-01-04",
          refTime: "2024-01-03",
          type: "SELLING_CLIMAX",
          bias: "bull",
          outcome: "confirmed",
          confidence: 0.85,
        },
      ],
    );
    const result = run([confirmed], { requireConfirmation: true, minConfidence: 0.8 });
    expect(result.trades.map((t) => [t.signalTime, t.entryTime, t.entryPrice])).toEqual([
      ["2024-01-04", "2024-01-05", 20_600],
    ]);
    expect(run([confirmed], { requireConfirmation: true, minConfidence: 0.9 }).trades).toEqual([]);
  });
});

describe("portfolio rules", () => {
  const bars = [
    ["2024-01-02", 10.0, 10.0],
    ["2024-01-03", 10.0, 10.0],
    ["2024-01-04", 10.0, 10.5],
    ["2024-01-05", 10.5, 10.5],
  ] as const;

  it("ranks same-day signals by score and respects the maximum number of positions", () => {
    const a = symbolWith("AAA", bars, [signal("AAA", "2024-01-03", "SPRING", 70)]);
    const b = symbolWith("BBB", bars, [signal("BBB", "2024-01-03", "SPRING", 90)]);
    const result = run([a, b], { maxPositions: 1 });
    expect(result.trades.map((t) => t.symbol)).toEqual(["BBB"]);
    expect(result.counters.entriesSkippedMaxPositions).toBe(1);
  });

  it("shares one cash account: the second position gets what the first left", () => {
    // 0.8 of 100,000,000 = 80,000,000 → 7,900 shares of 10,000 (+fees 118,500) → 20,881,500 left,
    // so the second buy can afford only 2,000 shares (20,881,500 / 10,015 = 2,085).
    const a = symbolWith("AAA", bars, [signal("AAA", "2024-01-03", "SPRING", 90)]);
    const b = symbolWith("BBB", bars, [signal("BBB", "2024-01-03", "SPRING", 70)]);
    const result = run([a, b], { positionFraction: 0.8, takeProfit: null });
    expect(result.trades.map((t) => [t.symbol, t.quantity])).toEqual([
      ["AAA", 7_900],
      ["BBB", 2_000],
    ]);
    expect(result.equity.cash[2]).toBeCloseTo(100_000_000 - 79_000_000 * 1.0015 - 20_000_000 * 1.0015, 4);
  });

  it("benchmarks against equal-weight buy-and-hold from each symbol's first close", () => {
    // A: 10 → 11 → 12; B starts on day 2 at 20, then 10. Values: (1 + 1)/2, (1.1 + 1)/2, (1.2 + 0.5)/2.
    const a = symbolWith("AAA", [
      ["2024-01-02", 10, 10],
      ["2024-01-03", 11, 11],
      ["2024-01-04", 12, 12],
    ]);
    const b = symbolWith("BBB", [
      ["2024-01-03", 20, 20],
      ["2024-01-04", 10, 10],
    ]);
    const benchmark = equalWeightBenchmark(createBacktestUniverse([a, b], PERIOD), 100);
    expect(Array.from(benchmark)).toEqual([100, expect.closeTo(105, 9), expect.closeTo(85, 9)]);
  });
});

describe("on the bundled VN30 data, through the scanner's analyzer", async () => {
  const data = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
  const inputs = data.series.map((s) => ({
    symbol: s.symbol,
    exchange: "HOSE" as const,
    columns: s.columns,
  }));
  const config: Partial<BacktestConfig> = { minScore: 60, stopLoss: 0.07, takeProfit: 0.15, maxHoldDays: 30 };
  const full = runBacktest(inputs, { from: "2018-06-01", to: "2021-12-31" }, config);

  it("trades at the open after each signal the analyzer emitted, and the trades add up to the final equity", () => {
    expect(full.trades.length).toBeGreaterThan(50);
    const bySymbol = new Map(data.series.map((s) => [s.symbol, s]));
    for (const trade of full.trades.slice(0, 40)) {
      const series = bySymbol.get(trade.symbol)!;
      const records = analyze(trade.symbol, [
        ...series.columns.time.map((time, i) => ({
          time,
          open: series.columns.open[i]!,
          high: series.columns.high[i]!,
          low: series.columns.low[i]!,
          close: series.columns.close[i]!,
          volume: series.columns.volume[i]!,
        })),
      ]);
      const emitted = records.find(
        (r) => r.kind === "signal" && r.time === trade.signalTime && r.type === trade.signalType,
      );
      expect(emitted).toMatchObject({ bias: "bull", score: trade.signalScore });
      const signalBar = series.columns.time.indexOf(trade.signalTime);
      expect(trade.entryTime).toBe(series.columns.time[signalBar + 1]);
      expect(trade.quantity % 100).toBe(0);
      expect(trade.entryTime <= trade.exitTime).toBe(true);
    }
    const sum = full.trades.reduce((total, t) => total + t.netPnl, 0);
    expect(full.metrics.finalEquity - 1_000_000_000).toBeCloseTo(sum, 0);
  });

  it("sees no future: cutting the data off changes no trade that was over before the cut", () => {
    const cut = runBacktest(
      data.series.map((s) => ({ symbol: s.symbol, exchange: "HOSE" as const, columns: s.columns })),
      { from: "2018-06-01", to: "2020-03-31" },
      config,
    );
    const closedBefore = (t: { exitTime: string; exitReason: string }) =>
      t.exitTime < "2020-03-31" && t.exitReason !== "end_of_period";
    expect(cut.trades.filter(closedBefore)).toEqual(full.trades.filter(closedBefore));
    expect(cut.equity.equity.slice(0, -1)).toEqual(full.equity.equity.slice(0, cut.equity.equity.length - 1));
  });

  it("runs a sweep on one analysis: a stricter minimum score never trades more signals", () => {
    const universe = createBacktestUniverse(inputs.map(analyzeBacktestSymbol), {
      from: "2018-06-01",
      to: "2021-12-31",
    });
    const loose = runBacktestOnUniverse(universe, { ...config, minScore: 40 });
    const strict = runBacktestOnUniverse(universe, { ...config, minScore: 80 });
    expect(strict.counters.entrySignals).toBeLessThan(loose.counters.entrySignals);
    expect(runBacktestOnUniverse(universe, config)).toEqual(full);
  });
});
