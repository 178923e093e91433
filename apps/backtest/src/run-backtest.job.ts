import {
  BacktestConfigError,
  type BacktestResult,
  createBacktestUniverse,
  runBacktestOnUniverse,
} from "@vpa/core";
import {
  type Database,
  finishBacktestRunWithout,
  getBacktestRun,
  reportBacktestProgress,
  saveBacktestResult,
  startBacktestRun,
} from "@vpa/db";
import { unrecoverable } from "@vpa/runtime";
import type { Job } from "bullmq";
import type { Kysely } from "kysely";
import { benchmarkIndexOf, type RunConfig, strategyOf } from "./backtest-job-config.ts";
import { BacktestRunNotRegisteredError } from "./backtest-run-not-registered-error.ts";
import { loadBenchmarkIndex } from "./load-benchmark-index.ts";
import { loadAndAnalyzeUniverse } from "./load-universe.ts";
import { NoBarsToTestError } from "./no-bars-to-test-error.ts";

/** What a run job returns (also the job's BullMQ return value). */
export interface RunJobResult {
  readonly runId: string;
  readonly status: "completed" | "cancelled";
  /** True when the run had already completed (an idempotent re-submission): nothing was recomputed. */
  readonly alreadyCompleted: boolean;
  readonly trades: number;
  readonly totalReturn: number | null;
}

/** The part of a result stored as `summary` (everything but metrics, trades and the equity curve). */
export function summaryOf(result: BacktestResult, runConfig: RunConfig, missing: readonly string[]) {
  return {
    runConfig,
    engineConfig: result.config,
    period: result.period,
    universe: { ...result.universe, missing },
    benchmarks: result.benchmarks,
    indexCoverage: result.indexCoverage,
    bySymbol: result.bySymbol,
    bySignalType: result.bySignalType,
    byExitReason: result.byExitReason,
    monthlyReturns: result.monthlyReturns,
    counters: result.counters,
  };
}
export type RunSummary = ReturnType<typeof summaryOf>;

/** Resolves after pending I/O callbacks: lets BullMQ renew the job lock between chunks of CPU work. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One backtest: load bars → analyse (the scanner's analyzer) → trade → store. Between chunks it
 * reports progress (job progress and `backtest_runs.progress`) and reads the run's status: a
 * `cancelling` run stops there and is marked `cancelled`.
 */
export async function runBacktestJob(
  db: Kysely<Database>,
  runId: string,
  config: RunConfig,
  job: Pick<Job, "updateProgress">,
): Promise<RunJobResult> {
  const status = await startBacktestRun(db, runId);
  if (status === undefined) throw new BacktestRunNotRegisteredError("run", runId);
  if (status === "completed") {
    const run = await getBacktestRun(db, runId);
    const metrics = run?.metrics as { trades?: number; totalReturn?: number } | null;
    return {
      runId,
      status: "completed",
      alreadyCompleted: true,
      trades: metrics?.trades ?? 0,
      totalReturn: metrics?.totalReturn ?? null,
    };
  }
  if (status === "cancelling" || status === "cancelled") {
    await finishBacktestRunWithout(db, runId, "cancelled");
    return { runId, status: "cancelled", alreadyCompleted: false, trades: 0, totalReturn: null };
  }
  let cancelled = false;
  const checkpoint = async (fraction: number): Promise<boolean> => {
    await yieldToEventLoop();
    await job.updateProgress(Math.round(fraction * 100));
    const current = await reportBacktestProgress(db, runId, fraction);
    cancelled = current === "cancelling" || current === "cancelled";
    return !cancelled;
  };
  const loaded = await loadAndAnalyzeUniverse(db, config, checkpoint);
  if (loaded === null || cancelled) {
    await finishBacktestRunWithout(db, runId, "cancelled");
    return { runId, status: "cancelled", alreadyCompleted: false, trades: 0, totalReturn: null };
  }
  if (loaded.analyzed.length === 0) {
    throw new NoBarsToTestError(
      `${config.symbols === "ALL" || config.symbols === "VN30" ? config.symbols : config.symbols.join(",")} (${config.timeframe})`,
    );
  }
  const index = await loadBenchmarkIndex(db, benchmarkIndexOf(config), config);
  let result: BacktestResult;
  try {
    const universe = createBacktestUniverse(loaded.analyzed, { from: config.from, to: config.to });
    result = runBacktestOnUniverse(universe, strategyOf(config), { index });
  } catch (error) {
    // A strategy the engine refuses cannot pass on a retry; any other error (a bug) is retried
    // and reported as itself.
    if (error instanceof BacktestConfigError) throw unrecoverable(error);
    throw error;
  }
  if (!(await checkpoint(0.95))) {
    await finishBacktestRunWithout(db, runId, "cancelled");
    return { runId, status: "cancelled", alreadyCompleted: false, trades: 0, totalReturn: null };
  }
  await saveBacktestResult(db, runId, {
    metrics: result.metrics,
    summary: summaryOf(result, config, loaded.missing),
    trades: result.trades,
    equity: result.equity,
  });
  await job.updateProgress(100);
  return {
    runId,
    status: "completed",
    alreadyCompleted: false,
    trades: result.trades.length,
    totalReturn: result.metrics.totalReturn,
  };
}
