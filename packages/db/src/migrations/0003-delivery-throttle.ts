import { type Kysely, sql } from "kysely";

/**
 * Alert throttling: a delivery may end `suppressed` (a cooldown or the per-hour cap held it back;
 * final, never sent later), and the "what did this subscriber get recently" lookups get an index.
 * FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table alert_deliveries drop constraint alert_deliveries_status_check;
    alter table alert_deliveries add constraint alert_deliveries_status_check
      check (status in ('sending', 'sent', 'retry', 'failed', 'uncertain', 'suppressed'));
    create index alert_deliveries_recent_idx on alert_deliveries (subscriber_id, channel, sent_at)
      where status = 'sent';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists alert_deliveries_recent_idx;
    update alert_deliveries set status = 'failed' where status = 'suppressed';
    alter table alert_deliveries drop constraint alert_deliveries_status_check;
    alter table alert_deliveries add constraint alert_deliveries_status_check
      check (status in ('sending', 'sent', 'retry', 'failed', 'uncertain'));
  `.execute(db);
}
