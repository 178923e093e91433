import type { PerformanceMetrics } from "@vpa/core";
import {
  type BacktestRunRow,
  type Database,
  finishBacktestRunWithout,
  getBacktestRun,
  listBacktestChildren,
  saveBacktestResult,
  startBacktestRun,
} from "@vpa/db";
import type { Kysely } from "kysely";
import type { RankMetric, SweepConfig, SweepKey } from "./backtest-job-config.ts";
import { BacktestRunNotRegisteredError } from "./backtest-run-not-registered-error.ts";

/** One row of a sweep's ranked table. */
export interface SweepRanking {
  readonly rank: number;
  readonly runId: string;
  readonly status: string;
  readonly params: Partial<Record<SweepKey, number | null>>;
  readonly metrics: Pick<
    PerformanceMetrics,
    | "totalReturn"
    | "cagr"
    | "sharpe"
    | "sortino"
    | "calmar"
    | "maxDrawdown"
    | "trades"
    | "winRate"
    | "profitFactor"
  > | null;
}

export interface SweepJobResult {
  readonly runId: string;
  readonly status: "completed" | "cancelled";
  readonly runs: number;
  readonly best: SweepRanking | null;
}

/**
 * Ranks a sweep's runs by `rankBy`, best first; runs without a value (failed, cancelled, or an
 * undefined ratio) come last, in run order.
 */
export function rankSweepRuns(sweep: SweepConfig, children: readonly BacktestRunRow[]): SweepRanking[] {
  const keys = sweep.grid.map((g) => g.key);
  const rows = children.map((child) => {
    const config = child.config as Record<string, number | null>;
    const metrics = child.status === "completed" ? (child.metrics as PerformanceMetrics) : null;
    return {
      runId: child.id,
      status: child.status,
      params: Object.fromEntries(keys.map((k) => [k, config[k] ?? null])),
      metrics:
        metrics === null
          ? null
          : {
              totalReturn: metrics.totalReturn,
              cagr: metrics.cagr,
              sharpe: metrics.sharpe,
              sortino: metrics.sortino,
              calmar: metrics.calmar,
              maxDrawdown: metrics.maxDrawdown,
              trades: metrics.trades,
              winRate: metrics.winRate,
              profitFactor: metrics.profitFactor,
            },
    };
  });
  const value = (row: (typeof rows)[number]) => row.metrics?.[sweep.rankBy as RankMetric] ?? null;
  rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1;
    return vb - va;
  });
  return rows.map((row, i) => ({ rank: i + 1, ...row }));
}

/**
 * The parent job of a sweep: BullMQ runs it once every child has finished (a failed child is
 * ignored, not blocking: `ignoreDependencyOnFailure`). It reads the children's stored metrics and
 * stores the ranked table as the sweep's summary.
 */
export async function runSweepJob(
  db: Kysely<Database>,
  runId: string,
  sweep: SweepConfig,
): Promise<SweepJobResult> {
  const status = await startBacktestRun(db, runId);
  if (status === undefined) throw new BacktestRunNotRegisteredError("sweep", runId);
  const children = await listBacktestChildren(db, runId);
  const ranking = rankSweepRuns(sweep, children);
  if (status === "cancelling" || status === "cancelled") {
    await finishBacktestRunWithout(db, runId, "cancelled");
    return { runId, status: "cancelled", runs: children.length, best: null };
  }
  if (status !== "completed") {
    const best = ranking[0]?.metrics === null ? null : (ranking[0] ?? null);
    const bestRun = best === null ? undefined : await getBacktestRun(db, best.runId);
    await saveBacktestResult(db, runId, {
      metrics: bestRun?.metrics ?? null,
      summary: { rankBy: sweep.rankBy, grid: sweep.grid, ranking },
      trades: [],
      equity: null,
    });
  }
  return { runId, status: "completed", runs: children.length, best: ranking[0] ?? null };
}
