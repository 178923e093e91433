import {
  type BacktestResult,
  type BenchmarkSummary,
  type BreakdownRow,
  drawdownStatistics,
  type IndexCoverage,
  type MonthlyReturn,
  type PerformanceMetrics,
  type RelativeMetrics,
} from "@vpa/core";
import {
  type BacktestRunRow,
  type BacktestTradeRow,
  type Database,
  getBacktestRun,
  loadBacktestEquity,
  loadBacktestTrades,
} from "@vpa/db";
import type { Kysely } from "kysely";
import type { RunSummary } from "./run-backtest.job.ts";
import type { SweepRanking } from "./run-sweep.job.ts";
import type { WalkForwardSummary, WalkForwardWindowSummary } from "./run-walk-forward.job.ts";

/**
 * A benchmark as a report shows it. Runs stored before the index comparison have neither `kind`
 * nor `relative`: they read as `equal-weight` and null.
 */
export type ReportBenchmark = Omit<BenchmarkSummary, "relative"> & {
  readonly relative: RelativeMetrics | null;
};

/** Everything a report or `--json` shows about one completed run. Money in VND. */
export interface BacktestReport {
  readonly runId: string;
  readonly status: string;
  readonly runConfig: RunSummary["runConfig"];
  readonly engineConfig: BacktestResult["config"];
  readonly period: BacktestResult["period"];
  readonly universe: RunSummary["universe"];
  readonly metrics: PerformanceMetrics;
  readonly benchmarks: ReportBenchmark[];
  /** The index the run was compared with, its dates and whether it covers the run; null when none was asked. */
  readonly indexCoverage: IndexCoverage | null;
  readonly bySymbol: BreakdownRow[];
  readonly bySignalType: BreakdownRow[];
  readonly byExitReason: BreakdownRow[];
  readonly monthlyReturns: MonthlyReturn[];
  readonly counters: BacktestResult["counters"];
  readonly equity: {
    readonly time: string[];
    readonly equity: number[];
    readonly benchmark: number[];
    readonly index: (number | null)[] | null;
    readonly drawdown: number[];
    readonly cash: number[];
    readonly invested: number[];
    readonly positions: number[];
  };
  readonly trades: BacktestTradeRow[];
}

/**
 * A walk-forward's report: the stitched out-of-sample curve as a run (metrics, equity against the
 * benchmarks, trades, tables), and per window the choice in sample against the result out of sample.
 */
export interface WalkForwardReport extends BacktestReport {
  readonly walkForward: WalkForwardSummary["walkForward"];
  readonly windows: readonly WalkForwardWindowSummary[];
}

export interface SweepReport {
  readonly runId: string;
  readonly status: string;
  readonly rankBy: string;
  readonly ranking: SweepRanking[];
}

/** The stored run (and, when completed, its full report: trades and equity from their tables). */
export async function loadBacktestReport(
  db: Kysely<Database>,
  runId: string,
): Promise<
  { run: BacktestRunRow; report: BacktestReport | SweepReport | WalkForwardReport | null } | undefined
> {
  const run = await getBacktestRun(db, runId);
  if (run === undefined) return undefined;
  if (run.status !== "completed") return { run, report: null };
  if (run.kind === "sweep") {
    const summary = run.summary as { rankBy: string; ranking: SweepRanking[] };
    return { run, report: { runId, status: run.status, rankBy: summary.rankBy, ranking: summary.ranking } };
  }
  const summary = run.summary as RunSummary | WalkForwardSummary;
  const [trades, equity] = await Promise.all([loadBacktestTrades(db, runId), loadBacktestEquity(db, runId)]);
  const curve = equity ?? {
    time: [],
    equity: [],
    cash: [],
    invested: [],
    positions: [],
    benchmark: [],
    index: null,
  };
  const report: BacktestReport = {
    runId,
    status: run.status,
    runConfig: summary.runConfig,
    engineConfig: summary.engineConfig,
    period: summary.period,
    universe: summary.universe,
    metrics: run.metrics as PerformanceMetrics,
    benchmarks: summary.benchmarks.map((b, i) => ({
      ...b,
      kind: b.kind ?? (i === 0 ? "equal-weight" : "index"),
      relative: b.relative ?? null,
    })),
    indexCoverage: summary.indexCoverage ?? null,
    bySymbol: summary.bySymbol,
    bySignalType: summary.bySignalType,
    byExitReason: summary.byExitReason,
    monthlyReturns: summary.monthlyReturns,
    counters: summary.counters,
    equity: {
      time: [...curve.time],
      equity: [...curve.equity],
      benchmark: [...curve.benchmark],
      index: curve.index === null ? null : [...curve.index],
      drawdown: Array.from(drawdownStatistics(curve.time, curve.equity).drawdown),
      cash: [...curve.cash],
      invested: [...curve.invested],
      positions: [...curve.positions],
    },
    trades,
  };
  if ("kind" in summary && summary.kind === "walk-forward")
    return { run, report: { ...report, walkForward: summary.walkForward, windows: summary.windows } };
  return { run, report };
}

export function isSweepReport(report: BacktestReport | SweepReport): report is SweepReport {
  return "ranking" in report;
}

export function isWalkForwardReport(report: BacktestReport | SweepReport): report is WalkForwardReport {
  return "windows" in report;
}
