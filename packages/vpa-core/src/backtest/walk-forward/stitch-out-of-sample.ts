import { addCalendarDays } from "../../market/calendar-date.ts";
import { DEFAULT_HOLIDAY_CALENDAR, type HolidayCalendar } from "../../market/holiday-calendar.ts";
import type { BacktestConfig } from "../backtest-config.ts";
import {
  computePerformanceMetrics,
  drawdownStatistics,
  type PerformanceMetrics,
} from "../backtest-metrics.ts";
import { type AnalyzedSymbol, createBacktestUniverse } from "../backtest-universe.ts";
import type { IndexSeries } from "../benchmark-series.ts";
import { breakdownBy } from "../breakdown-tables.ts";
import { monthlyReturns } from "../monthly-returns.ts";
import type { BacktestTrade, SimulationCounters } from "../portfolio-simulation.ts";
import { emptyStepCounters, type StepCounters } from "../portfolio-step.ts";
import {
  type BacktestResult,
  compareWithBenchmarks,
  periodOf,
  runBacktestOnUniverse,
} from "../run-backtest.ts";
import type { WalkForwardWindow } from "./walk-forward-windows.ts";

/** A test window and what to trade on it. */
export interface OutOfSampleSegment {
  readonly window: WalkForwardWindow;
  /** The parameters chosen on its training window; null holds the window in cash (none was chosen). */
  readonly config: Partial<BacktestConfig> | null;
}

/** One test window of the stitched curve. Money in VND. */
export interface OutOfSampleWindowResult {
  readonly window: WalkForwardWindow;
  /** False when the window was held in cash (no parameters chosen). */
  readonly traded: boolean;
  readonly firstSession: string | null;
  readonly lastSession: string | null;
  readonly sessions: number;
  /** The cash carried in from the window before (the initial capital for the first). */
  readonly startEquity: number;
  /** Cash at the window's last close, every position sold (exit reason `end_of_period`). */
  readonly endEquity: number;
  /** endEquity / startEquity − 1. */
  readonly totalReturn: number;
  /** The window on its own (Sharpe, CAGR, Calmar... of its sessions). */
  readonly metrics: PerformanceMetrics;
}

/**
 * The out-of-sample result: the shape of a run's result (metrics, benchmarks, the equity curve,
 * trades, tables) for the stitched curve, and each test window's part.
 */
export interface WalkForwardOutOfSample extends Omit<BacktestResult, "config"> {
  readonly windows: OutOfSampleWindowResult[];
}

const sumCounters = (all: readonly SimulationCounters[]): SimulationCounters => {
  const total = emptyStepCounters();
  for (const counters of all)
    for (const key of Object.keys(total) as (keyof StepCounters)[]) total[key] += counters[key];
  return total;
};

/**
 * Trades each test window with its chosen parameters and stitches the windows into one curve:
 * each window starts with the cash the window before ended with, and every position is sold at
 * its window's last close (costs included), so nothing is carried but cash and a window's first
 * close equals the previous window's last (continuity, tested). A window without parameters stays
 * in cash. The stitched curve is then summarised like a run: metrics over all its sessions (a
 * position's sale at a window's end counts as a trade), equal-weight buy-and-hold of the universe
 * over the whole tested span and the index, when it covers it, from the same initial capital.
 *
 * @example
 * const oos = runOutOfSample(analyzed, [{ window, config: { minScore: 70 } }], { initialCapital: 1e9 });
 * oos.equity.equity; // the stitched curve
 * @throws RangeError when the test windows are not contiguous (each must start the day after the last ends).
 */
export function runOutOfSample(
  analyzed: readonly AnalyzedSymbol[],
  segments: readonly OutOfSampleSegment[],
  options: {
    readonly initialCapital: number;
    readonly calendar?: HolidayCalendar;
    readonly index?: IndexSeries;
  },
): WalkForwardOutOfSample {
  if (segments.length === 0) throw new RangeError("a walk-forward needs at least one test window");
  for (let k = 1; k < segments.length; k++) {
    const before = segments[k - 1]!.window;
    const window = segments[k]!.window;
    if (window.testFrom !== addCalendarDays(before.testTo, 1))
      throw new RangeError(
        `test windows must follow one another: ${before.testFrom} .. ${before.testTo}, then ${window.testFrom} .. ${window.testTo}`,
      );
  }
  const calendar = options.calendar ?? DEFAULT_HOLIDAY_CALENDAR;
  const time: string[] = [];
  const equity: number[] = [];
  const cash: number[] = [];
  const invested: number[] = [];
  const positions: number[] = [];
  const trades: BacktestTrade[] = [];
  const counters: SimulationCounters[] = [];
  const windows: OutOfSampleWindowResult[] = [];
  let capital = options.initialCapital;
  for (const { window, config } of segments) {
    const universe = createBacktestUniverse(analyzed, { from: window.testFrom, to: window.testTo });
    const days = universe.days;
    const startEquity = capital;
    let windowEquity: number[];
    let metrics: PerformanceMetrics;
    if (config === null || days.length === 0) {
      windowEquity = days.map(() => capital);
      time.push(...days);
      equity.push(...windowEquity);
      cash.push(...windowEquity);
      invested.push(...days.map(() => 0));
      positions.push(...days.map(() => 0));
      metrics = computePerformanceMetrics({
        times: days,
        equity: windowEquity,
        invested: windowEquity.map(() => 0),
        initialCapital: capital,
        trades: [],
      });
    } else {
      const result = runBacktestOnUniverse(universe, { ...config, initialCapital: capital }, { calendar });
      windowEquity = result.equity.equity;
      time.push(...result.equity.time);
      equity.push(...windowEquity);
      cash.push(...result.equity.cash);
      invested.push(...result.equity.invested);
      positions.push(...result.equity.positions);
      trades.push(...result.trades);
      counters.push(result.counters);
      metrics = result.metrics;
      // Every position is sold at the window's last close: what is carried is cash.
      capital = result.metrics.finalEquity;
    }
    windows.push({
      window,
      traded: config !== null && days.length > 0,
      firstSession: days[0] ?? null,
      lastSession: days.at(-1) ?? null,
      sessions: days.length,
      startEquity,
      endEquity: capital,
      totalReturn: capital / startEquity - 1,
      metrics,
    });
  }
  const first = segments[0]!.window;
  const last = segments.at(-1)!.window;
  const whole = createBacktestUniverse(analyzed, { from: first.testFrom, to: last.testTo });
  // Contiguous windows partition the span, so their sessions are the span's, in order.
  if (whole.days.length !== time.length || whole.days.some((day, i) => day !== time[i]))
    throw new Error("walk-forward: the test windows' sessions do not add up to the tested span's");
  const compared = compareWithBenchmarks(whole, time, equity, options.initialCapital, options.index);
  return {
    period: periodOf(first.testFrom, last.testTo, time),
    universe: {
      symbols: whole.symbols.length,
      barsInPeriod: whole.barsInPeriod,
      barsAnalyzed: whole.barsTotal,
    },
    metrics: computePerformanceMetrics({
      times: time,
      equity,
      invested,
      initialCapital: options.initialCapital,
      trades,
    }),
    benchmarks: compared.benchmarks,
    indexCoverage: compared.indexCoverage,
    equity: {
      time,
      equity,
      cash,
      invested,
      positions,
      drawdown: Array.from(drawdownStatistics(time, equity).drawdown),
      benchmark: Array.from(compared.benchmark),
      index: compared.index,
    },
    trades,
    bySymbol: breakdownBy(trades, (t) => t.symbol),
    bySignalType: breakdownBy(trades, (t) => t.signalType),
    byExitReason: breakdownBy(trades, (t) => t.exitReason),
    monthlyReturns: monthlyReturns(time, equity),
    counters: sumCounters(counters),
    windows,
  };
}
