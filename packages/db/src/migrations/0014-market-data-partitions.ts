import { type Kysely, sql } from "kysely";

/**
 * `market_data` partitioned by time (issue 15). FROZEN once released.
 *
 * Layout (docs/scaling.md says why): the table is LIST-partitioned by timeframe into two groups,
 * each RANGE-partitioned by bar time in Asia/Ho_Chi_Minh periods:
 *
 *   market_data                      LIST (timeframe)
 *     market_data_daily              '1D', '1W'                       RANGE (time), one per year
 *       market_data_daily_2024       [2024-01-01+07, 2025-01-01+07)
 *     market_data_intraday           '1m', '5m', '15m', '30m', '1h'   RANGE (time), one per month
 *       market_data_intraday_2024_05 [2024-05-01+07, 2024-06-01+07)
 *
 * There is NO default partition: with one, PostgreSQL plans "last N bars" as a Merge Append that
 * opens every partition (measured, docs/deploy.md). A bar whose period has no partition fails
 * with "no partition of relation ... found for row"; `vpa_ensure_market_data_partitions` creates
 * them (at this migration for the stored data's span, by the scan scheduler ahead of time, and
 * by the bar writers on demand). It is race-safe: one advisory lock, and a partition created in
 * between is taken as created.
 *
 * The rows of the old table move into the new one inside this migration's transaction; the
 * primary key (stock_id, timeframe, time) holds both partition keys, as PostgreSQL requires, and
 * is built after the copy (one index build per partition instead of a btree insert per row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Moving years of bars takes longer than a statement may (STATEMENT_TIMEOUT, 30 s by default):
  // no limit for this migration's transaction alone (`set local`, so PgBouncer-safe).
  await sql`set local statement_timeout = 0`.execute(db);
  await sql`
    create table market_data_partitioned (
      stock_id integer not null,
      timeframe text not null,
      time timestamptz not null,
      open double precision not null,
      high double precision not null,
      low double precision not null,
      close double precision not null,
      volume bigint not null check (volume >= 0),
      value double precision,
      foreign_buy bigint,
      foreign_sell bigint
    ) partition by list (timeframe);
    create table market_data_daily partition of market_data_partitioned
      for values in ('1D', '1W') partition by range (time);
    create table market_data_intraday partition of market_data_partitioned
      for values in ('1m', '5m', '15m', '30m', '1h') partition by range (time);

    create function vpa_ensure_market_data_partitions(tf text, from_time timestamptz, to_time timestamptz)
    returns integer language plpgsql as $$
    declare
      intraday boolean := tf not in ('1D', '1W');
      parent text := case when intraday then 'market_data_intraday' else 'market_data_daily' end;
      step interval := case when intraday then interval '1 month' else interval '1 year' end;
      unit text := case when intraday then 'month' else 'year' end;
      period timestamp;
      last_period timestamp;
      name text;
      created integer := 0;
    begin
      if from_time is null or to_time is null or from_time > to_time then
        return 0;
      end if;
      period := date_trunc(unit, from_time at time zone 'Asia/Ho_Chi_Minh');
      last_period := date_trunc(unit, to_time at time zone 'Asia/Ho_Chi_Minh');
      if period < last_period - interval '200 years' then
        raise exception 'market_data partitions: span % to % is too wide', from_time, to_time;
      end if;
      -- One creator at a time; each checks what exists after it holds the lock.
      perform pg_advisory_xact_lock(hashtext('vpa:market_data:partitions'));
      while period <= last_period loop
        name := parent || '_' || to_char(period, case when intraday then 'YYYY_MM' else 'YYYY' end);
        if to_regclass(quote_ident(name)) is null then
          begin
            execute format('create table %I partition of %I for values from (%L) to (%L)',
              name, parent,
              period at time zone 'Asia/Ho_Chi_Minh', (period + step) at time zone 'Asia/Ho_Chi_Minh');
            created := created + 1;
          exception when duplicate_table or unique_violation then
            null; -- created by another session since this one's catalog snapshot
          end;
        end if;
        period := period + step;
      end loop;
      return created;
    end
    $$;
    comment on function vpa_ensure_market_data_partitions(text, timestamptz, timestamptz) is
      'Creates the missing market_data partitions of the timeframe''s group (daily: yearly, intraday: monthly, Asia/Ho_Chi_Minh periods) covering [from_time, to_time]; returns how many it created.';
  `.execute(db);
  // Partitions for the stored bars' span of each group, and for the current period (not the gap
  // between the two: a bar written there later gets its partition on demand).
  await sql`
    select vpa_ensure_market_data_partitions(g.tf, g.first, g.last),
      vpa_ensure_market_data_partitions(g.tf, now(), now())
    from (
      select '1D' as tf, min(time) as first, max(time) as last from market_data where timeframe in ('1D', '1W')
      union all
      select '1m', min(time), max(time) from market_data where timeframe not in ('1D', '1W')
    ) g
  `.execute(db);
  await sql`
    insert into market_data_partitioned select * from market_data;
    drop table market_data;
    alter table market_data_partitioned rename to market_data;
    alter table market_data add primary key (stock_id, timeframe, time);
    alter table market_data add foreign key (stock_id) references stocks (id) on delete cascade;
    alter table market_data rename constraint market_data_partitioned_volume_check to market_data_volume_check;
    comment on table market_data is 'OHLCV bars; prices in thousand VND. Partitioned: by timeframe group, then by time (daily bars yearly, intraday monthly; migration 0014). The primary key also serves "last N bars of a symbol" (ordered Append of backward index scans).';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(db);
  await sql`
    create table market_data_flat (
      stock_id integer not null references stocks (id) on delete cascade,
      timeframe text not null,
      time timestamptz not null,
      open double precision not null,
      high double precision not null,
      low double precision not null,
      close double precision not null,
      volume bigint not null check (volume >= 0),
      value double precision,
      foreign_buy bigint,
      foreign_sell bigint
    );
    insert into market_data_flat select * from market_data;
    drop table market_data;
    drop function vpa_ensure_market_data_partitions(text, timestamptz, timestamptz);
    alter table market_data_flat rename to market_data;
    alter table market_data add primary key (stock_id, timeframe, time);
    alter table market_data rename constraint market_data_flat_stock_id_fkey to market_data_stock_id_fkey;
    alter table market_data rename constraint market_data_flat_volume_check to market_data_volume_check;
    comment on table market_data is 'OHLCV bars; prices in thousand VND. The primary key also serves "last N bars of a symbol" (backward index scan).';
  `.execute(db);
}
