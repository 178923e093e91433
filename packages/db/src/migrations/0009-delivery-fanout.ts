import { type Kysely, sql } from "kysely";

/**
 * Fan-out and digests (docs/delivery.md). Every owed delivery becomes a row when its alert (or
 * digest) is fanned out, in state `queued`, and one delivery job per row sends it, so one large
 * alert spreads over every running alert worker and no recipient waits behind another's chat.
 * A scan is recorded with its analyze jobs; the alerts it produced belong to it, and once every
 * job has finished one digest per subscriber gathers its non-HIGH alerts. Subscribers choose
 * digest or instant delivery, the digest's length, their language, and may pause.
 * FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table alert_deliveries drop constraint alert_deliveries_status_check;
    alter table alert_deliveries add constraint alert_deliveries_status_check
      check (status in ('queued', 'sending', 'sent', 'retry', 'failed', 'uncertain', 'suppressed'));
    create index alert_deliveries_owed_idx on alert_deliveries (id) where status in ('queued', 'retry');

    create table scans (
      id bigserial primary key,
      timeframe text not null,
      analyze_job_ids text[] not null,
      digest_state text not null default 'waiting' check (digest_state in ('waiting', 'built')),
      created_at timestamptz not null default now(),
      built_at timestamptz
    );
    create index scans_waiting_idx on scans (created_at) where digest_state = 'waiting';
    alter table alerts add column scan_id bigint references scans (id) on delete set null;
    create index alerts_scan_idx on alerts (scan_id) where scan_id is not null;

    alter table subscribers
      add column delivery_mode text not null default 'digest' check (delivery_mode in ('digest', 'instant')),
      add column digest_top smallint not null default 10 check (digest_top between 1 and 50),
      add column language text check (language in ('vi', 'en')),
      add column paused_until timestamptz;

    create table digests (
      id bigserial primary key,
      scan_id bigint not null references scans (id) on delete cascade,
      subscriber_id integer not null references subscribers (id) on delete cascade,
      items jsonb not null,
      total integer not null,
      created_at timestamptz not null default now(),
      unique (scan_id, subscriber_id)
    );
    alter table alert_deliveries
      alter column alert_id drop not null,
      add column digest_id bigint references digests (id) on delete cascade,
      add constraint alert_deliveries_one_subject check (num_nonnulls(alert_id, digest_id) = 1);
    create unique index alert_deliveries_digest_key on alert_deliveries (digest_id, subscriber_id, channel)
      where digest_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from alert_deliveries where digest_id is not null or status = 'queued';
    drop index if exists alert_deliveries_digest_key;
    alter table alert_deliveries drop constraint if exists alert_deliveries_one_subject,
      drop column if exists digest_id, alter column alert_id set not null;
    drop table if exists digests;
    alter table subscribers drop column if exists paused_until, drop column if exists language,
      drop column if exists digest_top, drop column if exists delivery_mode;
    drop index if exists alerts_scan_idx;
    alter table alerts drop column if exists scan_id;
    drop table if exists scans;
    drop index if exists alert_deliveries_owed_idx;
    alter table alert_deliveries drop constraint alert_deliveries_status_check;
    alter table alert_deliveries add constraint alert_deliveries_status_check
      check (status in ('sending', 'sent', 'retry', 'failed', 'uncertain', 'suppressed'));
  `.execute(db);
}
