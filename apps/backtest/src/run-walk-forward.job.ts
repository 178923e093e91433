import {
  BacktestConfigError,
  chooseBestCandidate,
  type OutOfSampleWindowResult,
  type PerformanceMetrics,
  resolveBacktestConfig,
  runOutOfSample,
  type WalkForwardOutOfSample,
  type WalkForwardWindow,
} from "@vpa/core";
import {
  type BacktestRunRow,
  type Database,
  finishBacktestRunWithout,
  getBacktestRun,
  listBacktestChildren,
  reportBacktestProgress,
  saveBacktestResult,
  startBacktestRun,
} from "@vpa/db";
import { unrecoverable } from "@vpa/runtime";
import type { Job } from "bullmq";
import type { Kysely } from "kysely";
import {
  benchmarkIndexOf,
  expandWalkForward,
  type RunConfig,
  runConfigSchema,
  type SweepKey,
  strategyOf,
  type WalkForwardConfig,
} from "./backtest-job-config.ts";
import { BacktestRunNotRegisteredError } from "./backtest-run-not-registered-error.ts";
import { loadBenchmarkIndex } from "./load-benchmark-index.ts";
import { loadAndAnalyzeUniverse } from "./load-universe.ts";
import { NoBarsToTestError } from "./no-bars-to-test-error.ts";

/** Run ids of a walk-forward's parts: `<id>-w01` is window 1's training sweep, `<id>-w01-003` its third run. */
export function walkForwardSweepId(runId: string, windowIndex: number): string {
  return `${runId}-w${String(windowIndex + 1).padStart(2, "0")}`;
}

/** The headline in-sample figures of the chosen training run. */
export type InSampleFigures = Pick<
  PerformanceMetrics,
  "totalReturn" | "cagr" | "sharpe" | "calmar" | "maxDrawdown" | "trades"
>;

/** One window of a walk-forward's stored summary: the choice in sample, the result out of sample. */
export interface WalkForwardWindowSummary {
  readonly window: WalkForwardWindow;
  /** The window's training sweep (its ranked table: `vpa backtest --show <sweepId>`). */
  readonly sweepId: string;
  readonly trainingRuns: number;
  /** Training runs that did not complete (failed or cancelled): never chosen. */
  readonly trainingRunsFailed: number;
  /** Null when no training run had a value of the optimised metric: the test window was held in cash. */
  readonly chosen: {
    readonly runId: string;
    readonly params: Partial<Record<SweepKey, number | null>>;
    readonly inSample: InSampleFigures;
  } | null;
  readonly outOfSample: Omit<OutOfSampleWindowResult, "window" | "metrics"> & {
    readonly metrics: InSampleFigures;
  };
}

const figures = (m: PerformanceMetrics): InSampleFigures => ({
  totalReturn: m.totalReturn,
  cagr: m.cagr,
  sharpe: m.sharpe,
  calmar: m.calmar,
  maxDrawdown: m.maxDrawdown,
  trades: m.trades,
});

/** The stored summary of a walk-forward (its metrics are the stitched curve's). */
export function walkForwardSummaryOf(
  wf: WalkForwardConfig,
  oos: WalkForwardOutOfSample,
  windows: readonly WalkForwardWindowSummary[],
  missing: readonly string[],
) {
  return {
    kind: "walk-forward" as const,
    runConfig: wf.base,
    walkForward: {
      optimize: wf.optimize,
      trainMonths: wf.trainMonths,
      testMonths: wf.testMonths,
      grid: wf.grid,
    },
    engineConfig: resolveBacktestConfig(strategyOf(wf.base)),
    period: oos.period,
    universe: { ...oos.universe, missing },
    benchmarks: oos.benchmarks,
    indexCoverage: oos.indexCoverage,
    windows,
    bySymbol: oos.bySymbol,
    bySignalType: oos.bySignalType,
    byExitReason: oos.byExitReason,
    monthlyReturns: oos.monthlyReturns,
    counters: oos.counters,
  };
}
export type WalkForwardSummary = ReturnType<typeof walkForwardSummaryOf>;

export interface WalkForwardJobResult {
  readonly runId: string;
  readonly status: "completed" | "cancelled";
  readonly windows: number;
  readonly totalReturn: number | null;
}

/** The choice of one window, by vpa-core's rule, from its training runs as stored (grid order). */
function chooseFromTraining(
  runs: readonly BacktestRunRow[],
  wf: WalkForwardConfig,
): { run: BacktestRunRow; config: RunConfig } | null {
  const candidates = runs.map((run) =>
    run.status === "completed" ? (run.metrics as PerformanceMetrics) : null,
  );
  const chosen = chooseBestCandidate(candidates, wf.optimize);
  if (chosen === null) return null;
  const run = runs[chosen]!;
  return { run, config: runConfigSchema.parse(run.config) };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The parent job of a walk-forward: BullMQ runs it once every window's training sweep has finished
 * (each sweep once its runs have). For each window it chooses among the training runs by
 * `optimize` (vpa-core's `chooseBestCandidate`, grid order on ties), then loads the tested span
 * once, trades each choice on its test window with the cash carried from the one before
 * (`runOutOfSample`), and stores the stitched curve like a run: metrics, trades, equity against
 * the benchmarks, and the per-window table (in sample against out of sample) in the summary.
 */
export async function runWalkForwardJob(
  db: Kysely<Database>,
  runId: string,
  wf: WalkForwardConfig,
  job: Pick<Job, "updateProgress">,
): Promise<WalkForwardJobResult> {
  const status = await startBacktestRun(db, runId);
  if (status === undefined) throw new BacktestRunNotRegisteredError("walk-forward", runId);
  const plan = expandWalkForward(wf);
  if (status === "completed") {
    const run = await getBacktestRun(db, runId);
    const metrics = run?.metrics as { totalReturn?: number } | null;
    return { runId, status, windows: plan.length, totalReturn: metrics?.totalReturn ?? null };
  }
  const cancelled = async (): Promise<WalkForwardJobResult> => {
    await finishBacktestRunWithout(db, runId, "cancelled");
    return { runId, status: "cancelled", windows: plan.length, totalReturn: null };
  };
  if (status === "cancelling" || status === "cancelled") return cancelled();
  let stop = false;
  const checkpoint = async (fraction: number): Promise<boolean> => {
    await yieldToEventLoop();
    await job.updateProgress(Math.round(fraction * 100));
    const current = await reportBacktestProgress(db, runId, fraction);
    stop = current === "cancelling" || current === "cancelled";
    return !stop;
  };

  const choices = [];
  for (const { window } of plan) {
    const sweepId = walkForwardSweepId(runId, window.index);
    const runs = await listBacktestChildren(db, sweepId);
    choices.push({ window, sweepId, runs, choice: chooseFromTraining(runs, wf) });
  }
  const tested = { ...wf.base, from: plan[0]!.window.testFrom };
  const loaded = await loadAndAnalyzeUniverse(db, tested, checkpoint);
  if (loaded === null || stop) return cancelled();
  if (loaded.analyzed.length === 0)
    throw new NoBarsToTestError(`the out-of-sample period ${tested.from} to ${tested.to}`);
  const index = await loadBenchmarkIndex(db, benchmarkIndexOf(wf.base), tested);
  const initialCapital = resolveBacktestConfig(strategyOf(wf.base)).initialCapital;
  let oos: WalkForwardOutOfSample;
  try {
    oos = runOutOfSample(
      loaded.analyzed,
      choices.map(({ window, choice }) => ({
        window,
        config: choice === null ? null : strategyOf(choice.config),
      })),
      { initialCapital, index },
    );
  } catch (error) {
    // A strategy the engine refuses cannot pass on a retry; any other error (a bug) is retried
    // and reported as itself.
    if (error instanceof BacktestConfigError) throw unrecoverable(error);
    throw error;
  }
  if (!(await checkpoint(0.95))) return cancelled();
  const keys = wf.grid.map((g) => g.key);
  const windows: WalkForwardWindowSummary[] = choices.map(({ sweepId, runs, choice }, k) => {
    const { window: _window, metrics, ...outOfSample } = oos.windows[k]!;
    return {
      window: plan[k]!.window,
      sweepId,
      trainingRuns: runs.length,
      trainingRunsFailed: runs.filter((r) => r.status !== "completed").length,
      chosen:
        choice === null
          ? null
          : {
              runId: choice.run.id,
              params: Object.fromEntries(keys.map((key) => [key, choice.config[key] ?? null])),
              inSample: figures(choice.run.metrics as PerformanceMetrics),
            },
      outOfSample: { ...outOfSample, metrics: figures(metrics) },
    };
  });
  await saveBacktestResult(db, runId, {
    metrics: oos.metrics,
    summary: walkForwardSummaryOf(wf, oos, windows, loaded.missing),
    trades: oos.trades,
    equity: oos.equity,
  });
  await job.updateProgress(100);
  return { runId, status: "completed", windows: plan.length, totalReturn: oos.metrics.totalReturn };
}
