import type { Kysely } from "kysely";
import type { BacktestRunKind, BacktestRunStatus, Database } from "../schema.ts";

/** A top-level backtest (a run, sweep or walk-forward, not one of their children) as listed. */
export interface BacktestRunListing {
  readonly id: string;
  readonly kind: BacktestRunKind;
  readonly status: BacktestRunStatus;
  readonly progress: number;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

/** The newest top-level backtests first. */
export async function listRecentBacktestRuns(
  db: Kysely<Database>,
  limit: number,
): Promise<BacktestRunListing[]> {
  const rows = await db
    .selectFrom("backtest_runs")
    .select(["id", "kind", "status", "progress", "created_at", "finished_at"])
    .where("parent_id", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  }));
}
