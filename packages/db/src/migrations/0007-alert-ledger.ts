import { type Kysely, sql } from "kysely";

/**
 * Alerts become a ledger of what is owed (docs/delivery.md). An alert is created `pending` by the
 * analyze job that stored its signal, before any alert job exists, and only its alert job (or an
 * operator's `vpa alerts retry`) moves it on: `done` once every matching recipient's delivery is
 * settled, `gave_up` when its retry budget ran out. The sweeper re-enqueues pending alerts whose job
 * is gone, so a lost or failed-for-good job cannot take its untried recipients with it.
 * The message is rendered by the alert job, so it may be null until then. FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table alerts
      alter column message drop not null,
      add column state text not null default 'done' check (state in ('pending', 'done', 'gave_up')),
      add column settled_at timestamptz,
      add column last_error text;
    alter table alerts alter column state set default 'pending';
    create index alerts_pending_idx on alerts (created_at) where state = 'pending';
    create index alert_deliveries_sending_idx on alert_deliveries (claimed_at) where status = 'sending';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists alert_deliveries_sending_idx;
    drop index if exists alerts_pending_idx;
    update alerts set message = '' where message is null;
    alter table alerts drop column if exists last_error, drop column if exists settled_at,
      drop column if exists state, alter column message set not null;
  `.execute(db);
}
