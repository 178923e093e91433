import { DEFAULT_HOLIDAY_CALENDAR, type HolidayCalendar } from "../../market/holiday-calendar.ts";
import { type BacktestConfig, DEFAULT_BACKTEST_CONFIG } from "../backtest-config.ts";
import type { PerformanceMetrics } from "../backtest-metrics.ts";
import { type AnalyzedSymbol, createBacktestUniverse } from "../backtest-universe.ts";
import type { IndexSeries } from "../benchmark-series.ts";
import { runBacktestOnUniverse } from "../run-backtest.ts";
import { chooseBestCandidate, type OptimizeMetric } from "./choose-parameters.ts";
import { runOutOfSample, type WalkForwardOutOfSample } from "./stitch-out-of-sample.ts";
import {
  planWalkForwardWindows,
  type WalkForwardLengths,
  type WalkForwardWindow,
} from "./walk-forward-windows.ts";

/** One window's training: every candidate's in-sample metrics and the choice. */
export interface WalkForwardTraining {
  readonly window: WalkForwardWindow;
  /** In grid order, one per candidate. */
  readonly inSample: PerformanceMetrics[];
  /** Index of the chosen candidate; null: none had a value of the metric (the window stays in cash). */
  readonly chosen: number | null;
}

export interface WalkForwardResult {
  readonly optimize: OptimizeMetric;
  readonly training: WalkForwardTraining[];
  readonly outOfSample: WalkForwardOutOfSample;
}

/**
 * Trains every candidate on one window's training period: the universe is cut at `trainTo`, so
 * no bar of the test window reaches the choice (the analyzer's records at a bar read only bars up
 * to it: vpa-core's batch = streaming contract).
 */
export function trainWalkForwardWindow(
  analyzed: readonly AnalyzedSymbol[],
  window: WalkForwardWindow,
  candidates: readonly Partial<BacktestConfig>[],
  optimize: OptimizeMetric,
  calendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR,
): WalkForwardTraining {
  const universe = createBacktestUniverse(analyzed, { from: window.trainFrom, to: window.trainTo });
  const inSample = candidates.map(
    (candidate) => runBacktestOnUniverse(universe, candidate, { calendar }).metrics,
  );
  return { window, inSample, chosen: chooseBestCandidate(inSample, optimize) };
}

/**
 * A whole walk-forward in memory: plan the windows, train every candidate on each training
 * window, choose by `optimize` (default Sharpe), trade the choice on the test window and stitch.
 * The backtest worker runs the same steps as jobs (training as sweeps); this is their reference
 * and what the tests check.
 *
 * @example
 * const wf = runWalkForward(analyzed, { from: "2018-01-01", to: "2021-06-30", trainMonths: 24, testMonths: 6 },
 *   [{ minScore: 50 }, { minScore: 70 }], { optimize: "sharpe" });
 * wf.training.map((t) => t.chosen); wf.outOfSample.metrics.totalReturn;
 */
export function runWalkForward(
  analyzed: readonly AnalyzedSymbol[],
  plan: { readonly from: string; readonly to: string } & WalkForwardLengths,
  candidates: readonly Partial<BacktestConfig>[],
  options: {
    readonly optimize?: OptimizeMetric;
    readonly calendar?: HolidayCalendar;
    readonly index?: IndexSeries;
  } = {},
): WalkForwardResult {
  if (candidates.length === 0)
    throw new RangeError("a walk-forward needs at least one candidate configuration");
  const optimize = options.optimize ?? "sharpe";
  const calendar = options.calendar ?? DEFAULT_HOLIDAY_CALENDAR;
  const windows = planWalkForwardWindows(plan, plan);
  const training = windows.map((window) =>
    trainWalkForwardWindow(analyzed, window, candidates, optimize, calendar),
  );
  const outOfSample = runOutOfSample(
    analyzed,
    training.map((t) => ({ window: t.window, config: t.chosen === null ? null : candidates[t.chosen]! })),
    {
      initialCapital: candidates[0]?.initialCapital ?? DEFAULT_BACKTEST_CONFIG.initialCapital,
      calendar,
      ...(options.index === undefined ? {} : { index: options.index }),
    },
  );
  return { optimize, training, outOfSample };
}
