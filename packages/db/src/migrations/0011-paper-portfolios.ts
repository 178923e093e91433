import { type Kysely, sql } from "kysely";

/**
 * Paper portfolios (issue 12 item 7). FROZEN once released.
 *
 * - `portfolios`: a named portfolio traded on the backtest's rules (`config`: a backtest-style
 *   config and its universe), from `started_on`. `state` is the engine's own state after the
 *   close of `last_session` (cash, open positions, pending next-open orders, session counter):
 *   each close steps it once, so an update that finds nothing newer adds nothing.
 * - `portfolio_positions`: open and closed positions (a closed one is a backtest trade). Prices
 *   and money VND; open rows are rewritten at each update, closed rows are only appended.
 * - `portfolio_performance`: one row per session: cash, value, positions, daily return, and the
 *   benchmark index's close when stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table portfolios (
      id serial primary key,
      name text not null unique,
      config jsonb not null,
      started_on date not null,
      state jsonb not null,
      last_session date,
      created_at timestamptz not null default now()
    );

    create table portfolio_positions (
      portfolio_id integer not null references portfolios (id) on delete cascade,
      symbol text not null,
      status text not null check (status in ('open', 'closed')),
      signal_type text not null,
      signal_time date not null,
      signal_score double precision not null,
      entry_time date not null,
      entry_price double precision not null,
      quantity integer not null,
      last_price double precision,
      exit_time date,
      exit_price double precision,
      exit_reason text,
      holding_days integer,
      gross_pnl double precision,
      fees double precision not null,
      tax double precision,
      net_pnl double precision,
      net_return double precision,
      primary key (portfolio_id, symbol, entry_time)
    );
    create index portfolio_positions_open on portfolio_positions (portfolio_id) where status = 'open';

    create table portfolio_performance (
      portfolio_id integer not null references portfolios (id) on delete cascade,
      date date not null,
      cash double precision not null,
      invested double precision not null,
      value double precision not null,
      positions integer not null,
      daily_return double precision,
      index_close double precision,
      primary key (portfolio_id, date)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table portfolio_performance;
    drop table portfolio_positions;
    drop table portfolios;
  `.execute(db);
}
