import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

// A scan: one enqueue of analyze jobs (vpa scan, a scheduled scan, fetch --scan). The alerts its
// jobs create belong to it, and once every job has finished its digests are built (docs/delivery.md).

export interface ScanRecord {
  readonly id: number;
  readonly timeframe: string;
  readonly analyzeJobIds: readonly string[];
  readonly digestState: "waiting" | "built";
  readonly createdAt: Date;
}

/** Records a scan about to enqueue these analyze jobs; returns its id (part of each job's payload). */
export async function createScan(
  db: Kysely<Database>,
  scan: { readonly timeframe: string; readonly analyzeJobIds: readonly string[] },
): Promise<number> {
  const row = await db
    .insertInto("scans")
    .values({ timeframe: scan.timeframe, analyze_job_ids: [...scan.analyzeJobIds] })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findScan(db: Kysely<Database>, id: number): Promise<ScanRecord | undefined> {
  const row = await db.selectFrom("scans").selectAll().where("id", "=", id).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    timeframe: row.timeframe,
    analyzeJobIds: row.analyze_job_ids,
    digestState: row.digest_state,
    createdAt: row.created_at,
  };
}

/** waiting → built: the scan's digests exist (with their deliveries queued). */
export async function markScanBuilt(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable("scans")
    .set({ digest_state: "built", built_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** Scans whose digests are not built yet, created before `olderThanMs` ago: the sweeper's list. */
export async function findWaitingScans(
  db: Kysely<Database>,
  query: { readonly olderThanMs: number; readonly limit: number },
): Promise<number[]> {
  const rows = await db
    .selectFrom("scans")
    .select("id")
    .where("digest_state", "=", "waiting")
    .where("created_at", "<", new Date(Date.now() - query.olderThanMs))
    .orderBy("id")
    .limit(query.limit)
    .execute();
  return rows.map((row) => row.id);
}
