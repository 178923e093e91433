import { describe, expect, it } from "vitest";
import { signalRecord } from "../../../test/support/backtest-fixtures.ts";
import { FIXTURE_DAILY_DATA_PATH, readDailyBarsCsvGz } from "../../../test/support/daily-bars-csv.ts";
import type { BarColumns } from "../../bar.ts";
import type { BacktestConfig } from "../backtest-config.ts";
import { type AnalyzedSymbol, analyzeBacktestSymbol } from "../backtest-universe.ts";
import { chooseBestCandidate } from "./choose-parameters.ts";
import { runWalkForward, trainWalkForwardWindow } from "./run-walk-forward.ts";
import { runOutOfSample } from "./stitch-out-of-sample.ts";
import { planWalkForwardWindows } from "./walk-forward-windows.ts";

/** Weekdays from `from` to `to`. */
function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const bullSignal = (time: string, score: number) => signalRecord("AAA", time, "SELLING_CLIMAX", score);

/**
 * AAA on HOSE, Jan–Apr 2023 (no holiday in the built-in calendar: T+2 is two sessions), prices
 * in thousand VND, open = close but on the days listed:
 * - 10.0 to Jan 10 (a score-70 signal), Jan 11 opens 10.0 closes 10.5, Jan 12 opens 10.5 closes
 *   11.0 (+10% on the entry: take profit, sold at Jan 13's open, 11.0), then 11.0;
 * - Mar 7 a score-70 signal, Mar 8 opens 11.0 closes 10.5, 10.0 from Mar 9 (a loss, held to the end);
 * - Apr 11 a score-95 signal, Apr 12 opens 10.0 closes 10.5, then 10.5.
 */
function handCase(): AnalyzedSymbol {
  const time = weekdays("2023-01-02", "2023-04-28");
  const open: number[] = [];
  const close: number[] = [];
  for (const day of time) {
    let o: number;
    let c: number;
    if (day <= "2023-01-10") [o, c] = [10, 10];
    else if (day === "2023-01-11") [o, c] = [10, 10.5];
    else if (day === "2023-01-12") [o, c] = [10.5, 11];
    else if (day <= "2023-03-07") [o, c] = [11, 11];
    else if (day === "2023-03-08") [o, c] = [11, 10.5];
    else if (day === "2023-03-09") [o, c] = [10.5, 10];
    else if (day <= "2023-04-11") [o, c] = [10, 10];
    else if (day === "2023-04-12") [o, c] = [10, 10.5];
    else [o, c] = [10.5, 10.5];
    open.push(o);
    close.push(c);
  }
  const columns: BarColumns = {
    time,
    open: Float64Array.from(open),
    high: Float64Array.from(open, (o, i) => Math.max(o, close[i]!)),
    low: Float64Array.from(open, (o, i) => Math.min(o, close[i]!)),
    close: Float64Array.from(close),
    volume: Float64Array.from(time, () => 1_000_000),
  };
  return {
    symbol: "AAA",
    exchange: "HOSE",
    columns,
    records: [bullSignal("2023-01-10", 70), bullSignal("2023-03-07", 70), bullSignal("2023-04-11", 95)],
  };
}

const BASE: Partial<BacktestConfig> = {
  initialCapital: 100_000_000,
  positionFraction: 0.5,
  stopLoss: null,
  takeProfit: 0.1,
  exitOnBearSignal: false,
};
const CANDIDATES = [
  { ...BASE, minScore: 60 },
  { ...BASE, minScore: 90 },
];

describe("walk-forward, a case checked by hand (train 2 months, test 1, by CAGR)", () => {
  const result = runWalkForward(
    [handCase()],
    { from: "2023-01-01", to: "2023-04-30", trainMonths: 2, testMonths: 1 },
    CANDIDATES,
    { optimize: "cagr" },
  );

  it("chooses on each training window what did best there, never what comes after", () => {
    expect(
      result.training.map((t) => [t.window.trainFrom, t.window.trainTo, t.window.testFrom, t.window.testTo]),
    ).toEqual([
      ["2023-01-01", "2023-02-28", "2023-03-01", "2023-03-31"],
      ["2023-02-01", "2023-03-31", "2023-04-01", "2023-04-30"],
    ]);
    // Jan–Feb: minScore 60 takes the January gain (CAGR > 0), minScore 90 never trades (CAGR 0).
    expect(result.training[0]!.inSample[0]!.cagr).toBeGreaterThan(0);
    expect(result.training[0]!.inSample[1]!.cagr).toBe(0);
    expect(result.training[0]!.chosen).toBe(0);
    // Feb–Mar: minScore 60 takes the March loss (CAGR < 0): standing aside (minScore 90) wins.
    expect(result.training[1]!.inSample[0]!.cagr).toBeLessThan(0);
    expect(result.training[1]!.chosen).toBe(1);
  });

  it("trades March with minScore 60 and April with minScore 90, carrying the cash across", () => {
    const [march, april] = result.outOfSample.windows;
    // March: budget 0.5 × 100,000,000; 50,000,000 / (11,000 × 1.0015) = 4,538 → 4,500 shares at 11,000
    // (49,500,000 + 74,250 brokerage). Held to Mar 31 and sold at its close, 10,000: 45,000,000 −
    // 67,500 brokerage − 45,000 tax. Net −4,686,750 → 95,313,250.
    expect(march).toMatchObject({ traded: true, startEquity: 100_000_000, firstSession: "2023-03-01" });
    expect(march!.endEquity).toBeCloseTo(95_313_250, 4);
    // April starts with that cash. Apr 12 buys 0.5 × 95,313,250 / (10,000 × 1.0015) = 4,758 → 4,700
    // shares at 10,000 (47,000,000 + 70,500); sold Apr 28 at 10,500: 49,350,000 − 74,025 − 49,350.
    // Net +2,156,125 → 97,469,375.
    expect(april!.startEquity).toBeCloseTo(95_313_250, 4);
    expect(april!.endEquity).toBeCloseTo(97_469_375, 4);
    expect(april!.totalReturn).toBeCloseTo(97_469_375 / 95_313_250 - 1, 12);
    expect(
      result.outOfSample.trades.map((t) => [t.entryTime, t.entryPrice, t.quantity, t.exitTime, t.exitReason]),
    ).toEqual([
      ["2023-03-08", 11_000, 4_500, "2023-03-31", "end_of_period"],
      ["2023-04-12", 10_000, 4_700, "2023-04-28", "end_of_period"],
    ]);
    expect(result.outOfSample.metrics.totalReturn).toBeCloseTo(-0.02530625, 12);
    // Equal-weight buy-and-hold over Mar 1 → Apr 28: 11.0 → 10.5.
    expect(result.outOfSample.benchmarks[0]!.totalReturn).toBeCloseTo(10.5 / 11 - 1, 12);
  });

  it("stitches one continuous curve: each window starts at the previous one's last value", () => {
    const { equity, time } = result.outOfSample.equity;
    const boundary = time.indexOf("2023-04-03");
    expect(time[boundary - 1]).toBe("2023-03-31");
    expect(equity[boundary]).toBe(equity[boundary - 1]);
    expect(equity[0]).toBe(100_000_000);
    expect(equity.at(-1)).toBeCloseTo(97_469_375, 4);
    expect(time).toEqual(weekdays("2023-03-01", "2023-04-28"));
    // The trades add up to the stitched curve's gain.
    const sum = result.outOfSample.trades.reduce((total, t) => total + t.netPnl, 0);
    expect(100_000_000 + sum).toBeCloseTo(equity.at(-1)!, 4);
  });

  it("holds a window in cash when no candidate has a value of the metric", () => {
    expect(chooseBestCandidate([null, { sharpe: null, cagr: 0.1, calmar: null }], "sharpe")).toBeNull();
    expect(
      chooseBestCandidate(
        [
          { sharpe: 1, cagr: 0, calmar: 0 },
          { sharpe: 1, cagr: 0, calmar: 0 },
        ],
        "sharpe",
      ),
    ).toBe(0);
    const [window] = planWalkForwardWindows(
      { from: "2023-01-01", to: "2023-03-31" },
      { trainMonths: 2, testMonths: 1 },
    );
    const oos = runOutOfSample([handCase()], [{ window: window!, config: null }], {
      initialCapital: 100_000_000,
    });
    expect(oos.trades).toEqual([]);
    expect(new Set(oos.equity.equity)).toEqual(new Set([100_000_000]));
    expect(oos.windows[0]).toMatchObject({ traded: false, endEquity: 100_000_000, totalReturn: 0 });
  });
});

describe("walk-forward on the bundled VN30 data", async () => {
  const data = await readDailyBarsCsvGz(
    FIXTURE_DAILY_DATA_PATH,
    new Set(["FPT", "HPG", "VCB", "VNM", "MWG", "SSI", "MBB", "TCB"]),
  );
  const analyzed = data.series.map((s) =>
    analyzeBacktestSymbol({ symbol: s.symbol, exchange: "HOSE", columns: s.columns }),
  );
  const candidates = [50, 60, 70].flatMap((minScore) =>
    [0.05, 0.1].map((stopLoss) => ({ minScore, stopLoss, maxHoldDays: 20 })),
  );
  const plan = { from: "2018-06-01", to: "2021-06-30", trainMonths: 12, testMonths: 6 };
  const result = runWalkForward(analyzed, plan, candidates);

  it("no window sees its test data while choosing: rewriting the bars after a training window changes no choice", () => {
    // Scramble every bar after the first training window (prices × a factor that swings ±30%, volumes
    // reversed) and re-analyse: the first window's in-sample figures and choice stay as they were.
    const cut = result.training[0]!.window.trainTo;
    const scrambled = data.series.map((s) => {
      const c = s.columns;
      const factor = (i: number) => (c.time[i]! > cut ? 1 + 0.3 * Math.sin(i / 7) : 1);
      const volume = Float64Array.from(c.volume);
      const after = c.time.findIndex((t) => t > cut);
      if (after >= 0) volume.subarray(after).reverse();
      return analyzeBacktestSymbol({
        symbol: s.symbol,
        exchange: "HOSE",
        columns: {
          time: c.time,
          open: c.open.map((v, i) => v * factor(i)),
          high: c.high.map((v, i) => v * factor(i)),
          low: c.low.map((v, i) => v * factor(i)),
          close: c.close.map((v, i) => v * factor(i)),
          volume,
        },
      });
    });
    const retrained = trainWalkForwardWindow(scrambled, result.training[0]!.window, candidates, "sharpe");
    expect(retrained.inSample).toEqual(result.training[0]!.inSample);
    expect(retrained.chosen).toBe(result.training[0]!.chosen);
    // The test window did change (the check is not vacuous).
    const rerun = runWalkForward(scrambled, plan, candidates);
    expect(rerun.outOfSample.windows[0]!.endEquity).not.toBe(result.outOfSample.windows[0]!.endEquity);
  });

  it("chooses the in-sample best by Sharpe, and stitches windows whose cash carries over", () => {
    // Four six-month test windows and a last one cut short by the period's end.
    expect(result.training.map((t) => [t.window.testFrom, t.window.testTo])).toEqual([
      ["2019-06-01", "2019-11-30"],
      ["2019-12-01", "2020-05-31"],
      ["2020-06-01", "2020-11-30"],
      ["2020-12-01", "2021-05-31"],
      ["2021-06-01", "2021-06-30"],
    ]);
    for (const t of result.training) {
      const best = Math.max(...t.inSample.map((m) => m.sharpe ?? Number.NEGATIVE_INFINITY));
      expect(t.chosen).not.toBeNull();
      expect(t.inSample[t.chosen!]!.sharpe).toBe(best);
    }
    const windows = result.outOfSample.windows;
    for (let k = 1; k < windows.length; k++) expect(windows[k]!.startEquity).toBe(windows[k - 1]!.endEquity);
    const product = windows.reduce((g, w) => g * (1 + w.totalReturn), 1);
    expect(result.outOfSample.metrics.totalReturn).toBeCloseTo(product - 1, 12);
    expect(result.outOfSample.trades.some((t) => t.exitReason === "end_of_period")).toBe(true);
  });
});
