import { type Kysely, sql } from "kysely";

/**
 * Backtests (issue 5): one row per run (a single backtest, or a sweep whose children are runs),
 * its trades and its equity curve. FROZEN once released: change the schema with a new migration.
 *
 * Units: money and prices in VND (the engine's unit at its edge), dates as `date` (sessions).
 * status: queued → running → completed | failed | cancelled; `cancelling` is a request the job
 * reads between chunks of work.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table backtest_runs (
      id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
      kind text not null check (kind in ('run', 'sweep')),
      parent_id text references backtest_runs (id) on delete cascade,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'cancelling', 'cancelled', 'completed', 'failed')),
      config jsonb not null,
      progress real not null default 0,
      metrics jsonb,
      summary jsonb,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index backtest_runs_parent_idx on backtest_runs (parent_id) where parent_id is not null;
    comment on table backtest_runs is 'One backtest or sweep. metrics: the headline figures; summary: period, benchmarks, tables, monthly returns, counters (sweep: the ranked table).';

    create table backtest_trades (
      run_id text not null references backtest_runs (id) on delete cascade,
      seq integer not null,
      symbol text not null,
      signal_type text not null,
      signal_time date not null,
      signal_score smallint not null,
      entry_time date not null,
      entry_price double precision not null,
      quantity bigint not null,
      exit_time date not null,
      exit_price double precision not null,
      exit_reason text not null,
      holding_days integer not null,
      gross_pnl double precision not null,
      fees double precision not null,
      tax double precision not null,
      net_pnl double precision not null,
      net_return double precision not null,
      primary key (run_id, seq)
    );

    create table backtest_equity (
      run_id text not null references backtest_runs (id) on delete cascade,
      time date not null,
      equity double precision not null,
      cash double precision not null,
      invested double precision not null,
      positions integer not null,
      benchmark double precision not null,
      index_value double precision,
      primary key (run_id, time)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists backtest_equity, backtest_trades, backtest_runs cascade`.execute(db);
}
