import { type Kysely, sql } from "kysely";

/**
 * The signal track record (issue 12): one row per (stored signal, horizon) with the outcome of
 * trading it (in at the next open, out at the close of bar t+h, net of brokerage and sell tax)
 * and of its chance entry (a random session of the same stock and year, traded the same way).
 * See packages/vpa-core/src/track-record/README.md. FROZEN once released.
 *
 * A row is written when its signal is first taken in, final or not; it is **open** while its own
 * trade or its chance entry is not final. The update after a close reads only open rows that can
 * move (the partial indexes), so it touches only signals whose horizon just passed.
 * No aggregate table: groups are arbitrary filter combinations (type × exchange × score band × …)
 * and need medians and bootstrap intervals, which no running sum can hold; the rows answer a group
 * in milliseconds through vpa_signals' keys.
 *
 * Times are timestamptz at local midnight (as market_data); prices thousand VND.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- What the stored rows were computed with: one setting per database, so no two seeds or
    -- brokerage rates are ever mixed in one figure.
    create table signal_track_record_settings (
      id boolean primary key default true check (id),
      seed integer not null,
      brokerage_rate double precision not null check (brokerage_rate >= 0),
      horizons smallint[] not null,
      created_at timestamptz not null default now()
    );

    create table signal_outcomes (
      signal_id bigint not null references vpa_signals (id) on delete cascade,
      horizon smallint not null check (horizon between 1 and 250),
      average_traded_value double precision not null,
      liquidity_band text not null,
      entry_time timestamptz,
      entry_price double precision,
      exit_time timestamptz,
      exit_price double precision,
      net_return double precision,
      hit boolean,
      chance_status text not null check (chance_status in ('drawn', 'waiting', 'none')),
      chance_bar_time timestamptz,
      chance_waiting_until date,
      chance_entry_time timestamptz,
      chance_entry_price double precision,
      chance_exit_time timestamptz,
      chance_exit_price double precision,
      chance_net_return double precision,
      chance_hit boolean,
      updated_at timestamptz not null default now(),
      primary key (signal_id, horizon),
      check ((net_return is null) = (exit_time is null) and (net_return is null) = (hit is null)),
      check ((chance_net_return is null) = (chance_hit is null)),
      check ((chance_status = 'drawn') = (chance_bar_time is not null)),
      check ((chance_status = 'waiting') = (chance_waiting_until is not null)),
      check (chance_net_return is null or chance_status = 'drawn')
    );
    comment on table signal_outcomes is 'Per (signal, horizon): the net return of trading the signal (next open to the close of t+h) and of its chance entry. Null returns: not final yet.';

    -- Open rows whose next step needs only new bars: the signal's own trade, or a drawn chance entry.
    create index signal_outcomes_open_idx on signal_outcomes (signal_id)
      where net_return is null or (chance_status = 'drawn' and chance_net_return is null);
    -- Chance draws waiting for a date: due once the data reaches it.
    create index signal_outcomes_waiting_idx on signal_outcomes (chance_waiting_until)
      where chance_status = 'waiting';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists signal_outcomes, signal_track_record_settings`.execute(db);
}
