import type { HolidayCalendar } from "../market/holiday-calendar.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "../market/holiday-calendar.ts";
import { type BacktestConfig, resolveBacktestConfig } from "./backtest-config.ts";
import {
  computePerformanceMetrics,
  dailyReturns,
  drawdownStatistics,
  type PerformanceMetrics,
  returnStatistics,
} from "./backtest-metrics.ts";
import {
  type AnalyzedSymbol,
  analyzeBacktestSymbol,
  type BacktestSymbolInput,
  type BacktestUniverse,
  createBacktestUniverse,
} from "./backtest-universe.ts";
import {
  alignIndexSeries,
  equalWeightBenchmark,
  type IndexCoverage,
  type IndexSeries,
  indexCoverage,
} from "./benchmark-series.ts";
import { type BreakdownRow, breakdownBy } from "./breakdown-tables.ts";
import { collectSignalEvents } from "./entry-candidates.ts";
import { type MonthlyReturn, monthlyReturns } from "./monthly-returns.ts";
import { type BacktestTrade, type SimulationCounters, simulatePortfolio } from "./portfolio-simulation.ts";
import { type RelativeMetrics, relativeMetrics } from "./relative-metrics.ts";

/** The run's series, one value per session (VND at the close). Plain arrays: they go to JSON as is. */
export interface EquitySeries {
  readonly time: string[];
  readonly equity: number[];
  readonly cash: number[];
  readonly invested: number[];
  /** Open positions at the close. */
  readonly positions: number[];
  /** equity / running peak − 1. */
  readonly drawdown: number[];
  /** Equal-weight buy-and-hold of the universe, scaled to the initial capital. */
  readonly benchmark: number[];
  /**
   * The supplied index scaled to the initial capital at the first session (its last close at or
   * before each session), or null when none was supplied or it does not cover the run.
   */
  readonly index: (number | null)[] | null;
}

/**
 * Headline figures of a benchmark series, for the summary next to the run's own, and the
 * strategy measured against it ({@link RelativeMetrics}, on the same sessions).
 */
export interface BenchmarkSummary {
  /** `equal-weight buy and hold`, or the index's symbol (e.g. `VN30`). */
  readonly name: string;
  readonly kind: "equal-weight" | "index";
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  /** The strategy against this benchmark. */
  readonly relative: RelativeMetrics;
}

export interface BacktestResult {
  readonly config: BacktestConfig;
  readonly period: {
    readonly from: string;
    readonly to: string;
    /** First and last session with a bar (null when the period holds none). */
    readonly firstSession: string | null;
    readonly lastSession: string | null;
    /** Trading days with a bar. */
    readonly sessions: number;
    /**
     * Steps of the run: one per bar time (as many as `sessions` on daily bars). Absent from reports
     * stored before it was counted apart, when `sessions` held this count.
     */
    readonly bars: number;
  };
  readonly universe: {
    readonly symbols: number;
    readonly barsInPeriod: number;
    readonly barsAnalyzed: number;
  };
  readonly metrics: PerformanceMetrics;
  /** Equal-weight buy-and-hold first, then the index when one was supplied and it covers the run. */
  readonly benchmarks: BenchmarkSummary[];
  /** The supplied index's dates and whether it covers the run; null when none was supplied. */
  readonly indexCoverage: IndexCoverage | null;
  readonly equity: EquitySeries;
  readonly trades: BacktestTrade[];
  readonly bySymbol: BreakdownRow[];
  readonly bySignalType: BreakdownRow[];
  readonly byExitReason: BreakdownRow[];
  readonly monthlyReturns: MonthlyReturn[];
  readonly counters: SimulationCounters;
}

export interface RunBacktestOptions {
  /** Holiday calendar for T+2 (default: the built-in one; the run's own sessions are always respected). */
  readonly calendar?: HolidayCalendar;
  /**
   * An index to compare with, e.g. VN30 (its closes may extend beyond the run: they are aligned
   * on the run's sessions). Compared only when it covers the run (see {@link IndexCoverage}).
   */
  readonly index?: IndexSeries;
}

/**
 * A benchmark's headline figures, and the strategy `equity` against it. Exported for the
 * walk-forward's stitched curve, which is summarised the same way.
 */
export function summarizeBenchmark(
  name: string,
  kind: BenchmarkSummary["kind"],
  times: readonly string[],
  series: ArrayLike<number>,
  equity: ArrayLike<number>,
): BenchmarkSummary {
  const n = series.length;
  const first = series[0] ?? 1;
  const last = series[n - 1] ?? first;
  const years = n < 2 ? 0 : (Date.parse(times[n - 1]!) - Date.parse(times[0]!)) / 86_400_000 / 365.25;
  return {
    name,
    kind,
    totalReturn: last / first - 1,
    cagr: years > 0 && last > 0 ? (last / first) ** (1 / years) - 1 : null,
    maxDrawdown: drawdownStatistics(times, series).maxDrawdown,
    sharpe: returnStatistics(dailyReturns(series)).sharpe,
    relative: relativeMetrics(equity, series),
  };
}

/**
 * The benchmarks of an equity curve on `times`: equal-weight buy-and-hold of `universe`, and the
 * index when it covers the sessions. Shared by a run and the walk-forward's stitched curve.
 */
export function compareWithBenchmarks(
  universe: BacktestUniverse,
  times: readonly string[],
  equity: ArrayLike<number>,
  capital: number,
  index: IndexSeries | undefined,
): {
  benchmarks: BenchmarkSummary[];
  benchmark: Float64Array;
  index: number[] | null;
  indexCoverage: IndexCoverage | null;
} {
  const benchmark = equalWeightBenchmark(universe, capital);
  const benchmarks = [
    summarizeBenchmark("equal-weight buy and hold", "equal-weight", times, benchmark, equity),
  ];
  const coverage = index === undefined ? null : indexCoverage(times, index);
  let aligned: number[] | null = null;
  if (index !== undefined && coverage?.covers === true) {
    // Covering means a close at or before the first session: no value is null.
    aligned = alignIndexSeries(times, index, capital) as number[];
    benchmarks.push(summarizeBenchmark(index.name, "index", times, aligned, equity));
  }
  return { benchmarks, benchmark, index: aligned, indexCoverage: coverage };
}

/**
 * Trades one configuration over an analysed universe. Pure and deterministic: the same universe
 * and config give the same result. Prices enter in thousand VND (the data unit) and every money
 * figure of the result is VND (fills on ticks via the market module; see fill-model.ts).
 *
 * @example
 * const analyzed = inputs.map(analyzeBacktestSymbol);            // once
 * const universe = createBacktestUniverse(analyzed, { from: "2018-01-01", to: "2021-12-31" });
 * const result = runBacktestOnUniverse(universe, { minScore: 70, stopLoss: 0.05 });
 * result.metrics.cagr;
 */
export function runBacktestOnUniverse(
  universe: BacktestUniverse,
  partialConfig: Partial<BacktestConfig> = {},
  options: RunBacktestOptions = {},
): BacktestResult {
  const config = resolveBacktestConfig(partialConfig);
  const events = collectSignalEvents(universe, config);
  const simulation = simulatePortfolio(
    universe,
    config,
    events.candidates,
    events.bearSignalAt,
    options.calendar ?? DEFAULT_HOLIDAY_CALENDAR,
  );
  const times = [...universe.days];
  const { equity, cash, invested, positions } = simulation.curve;
  const { benchmarks, benchmark, index, indexCoverage } = compareWithBenchmarks(
    universe,
    times,
    equity,
    config.initialCapital,
    options.index,
  );
  const metrics = computePerformanceMetrics({
    times,
    equity,
    invested,
    initialCapital: config.initialCapital,
    trades: simulation.trades,
  });
  return {
    config,
    period: periodOf(universe.from, universe.to, times),
    universe: {
      symbols: universe.symbols.length,
      barsInPeriod: universe.barsInPeriod,
      barsAnalyzed: universe.barsTotal,
    },
    metrics,
    benchmarks,
    indexCoverage,
    equity: {
      time: times,
      equity: Array.from(equity),
      cash: Array.from(cash),
      invested: Array.from(invested),
      positions: Array.from(positions),
      drawdown: Array.from(drawdownStatistics(times, equity).drawdown),
      benchmark: Array.from(benchmark),
      index,
    },
    trades: simulation.trades,
    bySymbol: breakdownBy(simulation.trades, (t) => t.symbol),
    bySignalType: breakdownBy(simulation.trades, (t) => t.signalType),
    byExitReason: breakdownBy(simulation.trades, (t) => t.exitReason),
    monthlyReturns: monthlyReturns(times, equity),
    counters: simulation.counters,
  };
}

/** A run's period from its bar times (a run's and a walk-forward's stitched one alike). */
export function periodOf(from: string, to: string, times: readonly string[]): BacktestResult["period"] {
  return {
    from,
    to,
    firstSession: times[0] ?? null,
    lastSession: times.at(-1) ?? null,
    // A bar time starts with its local date (YYYY-MM-DD...), daily and intraday alike.
    sessions: new Set(times.map((time) => time.slice(0, 10))).size,
    bars: times.length,
  };
}

/**
 * The whole backtest in one call: analyse every symbol with the scanner's analyzer, place them on
 * the period's calendar, trade. For sweeps, analyse once ({@link analyzeBacktestSymbol},
 * {@link createBacktestUniverse}) and call {@link runBacktestOnUniverse} per configuration.
 *
 * @example
 * const result = runBacktest(
 *   [{ symbol: "FPT", exchange: "HOSE", columns }],
 *   { from: "2019-01-01", to: "2021-12-31" },
 *   { entrySignals: ["SELLING_CLIMAX", "SPRING"], minScore: 70, stopLoss: 0.07, maxHoldDays: 20 },
 * );
 */
export function runBacktest(
  inputs: readonly BacktestSymbolInput[],
  period: { readonly from: string; readonly to: string },
  config: Partial<BacktestConfig> = {},
  options: RunBacktestOptions = {},
): BacktestResult {
  const analyzed: AnalyzedSymbol[] = inputs.map(analyzeBacktestSymbol);
  return runBacktestOnUniverse(createBacktestUniverse(analyzed, period), config, options);
}
