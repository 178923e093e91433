import { type Kysely, sql } from "kysely";

/**
 * Live alerts per subscriber (vpa-signals.md §10): `live` subscribers also get the provisional
 * alerts of forming intraday bars and their follow-ups (`/live on`, `vpa subscribe --live`).
 * Off by default: a provisional alert is an early warning that may not hold. A partial index
 * keeps the live stream's recipient look-up to the few who opted in. FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table subscribers add column live boolean not null default false`.execute(db);
  await sql`create index subscribers_live on subscribers (id) where live and is_active`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists subscribers_live`.execute(db);
  await sql`alter table subscribers drop column if exists live`.execute(db);
}
