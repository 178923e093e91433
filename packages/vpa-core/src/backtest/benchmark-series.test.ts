import { describe, expect, it } from "vitest";
import type { AnalyzedSymbol } from "./backtest-universe.ts";
import { createBacktestUniverse } from "./backtest-universe.ts";
import { alignIndexSeries, type IndexSeries, indexCoverage } from "./benchmark-series.ts";
import { runBacktestOnUniverse } from "./run-backtest.ts";

/** A symbol without signals whose bars open and close at the given prices (thousand VND). */
function flatSymbol(symbol: string, bars: readonly (readonly [string, number])[]): AnalyzedSymbol {
  return {
    symbol,
    exchange: "HOSE",
    records: [],
    columns: {
      time: bars.map((b) => b[0]),
      open: Float64Array.from(bars, (b) => b[1]),
      high: Float64Array.from(bars, (b) => b[1]),
      low: Float64Array.from(bars, (b) => b[1]),
      close: Float64Array.from(bars, (b) => b[1]),
      volume: Float64Array.from(bars, () => 1_000),
    },
  };
}

const AAA = flatSymbol("AAA", [
  ["2024-01-02", 10],
  ["2024-01-03", 11],
  ["2024-01-04", 12],
  ["2024-01-05", 9],
]);
const DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"];
/** Index points; a bar on Dec 29 before the run, none on Jan 4 (its Jan 3 close stands in). */
const VN30: IndexSeries = {
  name: "VN30",
  time: ["2023-12-29", "2024-01-02", "2024-01-03", "2024-01-05", "2024-01-08"],
  close: [990, 1000, 1010, 1030.2, 1040],
};

describe("the index as a benchmark", () => {
  it("covers a run when it has a close on or before its first session and on or after its last", () => {
    expect(indexCoverage(DAYS, VN30)).toEqual({
      name: "VN30",
      firstDate: "2023-12-29",
      lastDate: "2024-01-08",
      covers: true,
    });
    const late = { ...VN30, time: VN30.time.slice(2), close: [1010, 1030.2, 1040] };
    expect(indexCoverage(DAYS, late).covers).toBe(false);
    const early = { ...VN30, time: VN30.time.slice(0, 3), close: [990, 1000, 1010] };
    expect(indexCoverage(DAYS, early).covers).toBe(false);
    expect(indexCoverage(DAYS, { name: "VN30", time: [], close: [] })).toEqual({
      name: "VN30",
      firstDate: null,
      lastDate: null,
      covers: false,
    });
  });

  it("is aligned on the run's sessions and scaled to the capital at the first one", () => {
    // Jan 2 1000 → 100; Jan 3 1010 → 101; Jan 4 has no bar: Jan 3's close; Jan 5 1030.2 → 103.02.
    expect(alignIndexSeries(DAYS, VN30, 100)).toEqual([100, 101, 101, expect.closeTo(103.02, 10)]);
  });

  it("sits next to equal-weight buy-and-hold in a run's benchmarks, with the strategy measured against it", () => {
    const universe = createBacktestUniverse([AAA], { from: "2024-01-02", to: "2024-01-05" });
    const result = runBacktestOnUniverse(universe, { initialCapital: 100_000_000 }, { index: VN30 });
    expect(result.indexCoverage?.covers).toBe(true);
    expect(result.benchmarks.map((b) => [b.name, b.kind])).toEqual([
      ["equal-weight buy and hold", "equal-weight"],
      ["VN30", "index"],
    ]);
    const index = result.benchmarks[1]!;
    expect(index.totalReturn).toBeCloseTo(0.0302, 12);
    // No signal, no trade: the strategy stays in cash. Against the index: −3.02 points, beta 0
    // (cash does not move with it), alpha 0; the active return is minus the index's own.
    expect(index.relative.excessReturn).toBeCloseTo(-0.0302, 12);
    expect(index.relative.beta).toBeCloseTo(0, 12);
    expect(index.relative.alpha).toBeCloseTo(0, 12);
    // Equal-weight: AAA 10 → 9, −10%: the strategy's cash is 10 points ahead.
    expect(result.benchmarks[0]!.relative.excessReturn).toBeCloseTo(0.1, 12);
    expect(result.equity.index).toEqual([
      100_000_000,
      101_000_000,
      101_000_000,
      expect.closeTo(103_020_000, 4),
    ]);
  });

  it("is left out, with its dates, when it does not cover the run", () => {
    const universe = createBacktestUniverse([AAA], { from: "2024-01-02", to: "2024-01-05" });
    const partial = { ...VN30, time: VN30.time.slice(0, 3), close: [990, 1000, 1010] };
    const result = runBacktestOnUniverse(universe, {}, { index: partial });
    expect(result.indexCoverage).toEqual({
      name: "VN30",
      firstDate: "2023-12-29",
      lastDate: "2024-01-03",
      covers: false,
    });
    expect(result.benchmarks.map((b) => b.kind)).toEqual(["equal-weight"]);
    expect(result.equity.index).toBeNull();
    expect(runBacktestOnUniverse(universe, {}).indexCoverage).toBeNull();
  });
});
