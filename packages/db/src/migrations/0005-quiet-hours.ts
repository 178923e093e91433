import { type Kysely, sql } from "kysely";

/**
 * Quiet hours per subscriber: alerts falling inside them wait until they end (Asia/Ho_Chi_Minh
 * local time, minutes after midnight; a window may wrap past midnight, e.g. 22:00–07:00).
 * FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table subscribers
      add column quiet_start smallint check (quiet_start between 0 and 1439),
      add column quiet_end smallint check (quiet_end between 0 and 1439),
      add constraint subscribers_quiet_hours_both check ((quiet_start is null) = (quiet_end is null));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table subscribers drop constraint if exists subscribers_quiet_hours_both,
      drop column if exists quiet_start, drop column if exists quiet_end;
  `.execute(db);
}
