import { type Kysely, sql } from "kysely";

/**
 * The tables of the walking skeleton: stocks, bars, signals, alerts with per-recipient deliveries,
 * subscribers and subscriptions. FROZEN once released: change the schema with a new migration.
 *
 * Units: prices in thousand VND (the unit of the data sources and of vpa-core), volume in shares.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stocks (
      id serial primary key,
      symbol text not null unique check (symbol ~ '^[A-Z0-9]{1,12}$'),
      name text,
      sector text,
      exchange text check (exchange in ('HOSE', 'HNX', 'UPCOM')),
      is_active boolean not null default true,
      created_at timestamptz not null default now()
    );

    create table market_data (
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
      foreign_sell bigint,
      primary key (stock_id, timeframe, time)
    );
    comment on table market_data is 'OHLCV bars; prices in thousand VND. The primary key also serves "last N bars of a symbol" (backward index scan).';

    create table vpa_signals (
      id bigserial primary key,
      stock_id integer not null references stocks (id) on delete cascade,
      timeframe text not null,
      time timestamptz not null,
      type text not null,
      bias text not null check (bias in ('bull', 'bear')),
      score smallint not null check (score between 0 and 100),
      confidence numeric(3, 2) not null check (confidence between 0 and 1),
      priority text not null check (priority in ('HIGH', 'MEDIUM', 'LOW')),
      variant text,
      volume_ratio double precision not null,
      spread_ratio double precision not null,
      close_location double precision not null,
      trend text not null,
      close double precision not null,
      volume bigint not null,
      price_change double precision not null,
      conditions jsonb not null default '{}',
      created_at timestamptz not null default now(),
      unique (stock_id, timeframe, time, type)
    );
    create index vpa_signals_time_idx on vpa_signals (time desc);

    create table vpa_signal_confirmations (
      signal_id bigint primary key references vpa_signals (id) on delete cascade,
      time timestamptz not null,
      outcome text not null check (outcome in ('confirmed', 'failed')),
      confidence numeric(3, 2) not null,
      created_at timestamptz not null default now()
    );

    create table subscribers (
      id serial primary key,
      name text,
      channel text not null check (channel in ('telegram', 'email', 'console')),
      address text not null,
      is_active boolean not null default true,
      deactivated_reason text,
      created_at timestamptz not null default now(),
      unique (channel, address)
    );

    create table subscriptions (
      id serial primary key,
      subscriber_id integer not null references subscribers (id) on delete cascade,
      symbols text[],
      signal_types text[],
      min_score smallint not null default 0 check (min_score between 0 and 100),
      is_active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create index subscriptions_subscriber_idx on subscriptions (subscriber_id);

    create table alerts (
      id bigserial primary key,
      signal_id bigint not null unique references vpa_signals (id) on delete cascade,
      priority text not null check (priority in ('HIGH', 'MEDIUM', 'LOW')),
      message text not null,
      channels_sent text[] not null default '{}',
      is_sent boolean not null default false,
      sent_at timestamptz,
      created_at timestamptz not null default now()
    );

    -- One row per (alert, subscriber, channel), ever: the unique key is what makes a retried or
    -- re-run alert job unable to send twice. status: sending (claimed, send in flight), sent,
    -- retry (known not delivered: a later attempt may claim it again), failed (permanent),
    -- uncertain (a worker died mid-send: never resent, to rule out duplicates).
    create table alert_deliveries (
      id bigserial primary key,
      alert_id bigint not null references alerts (id) on delete cascade,
      subscriber_id integer not null references subscribers (id) on delete cascade,
      channel text not null,
      status text not null check (status in ('sending', 'sent', 'retry', 'failed', 'uncertain')),
      attempts integer not null default 1,
      provider_message_id text,
      error text,
      claimed_at timestamptz not null default now(),
      sent_at timestamptz,
      unique (alert_id, subscriber_id, channel)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists alert_deliveries, alerts, subscriptions, subscribers,
      vpa_signal_confirmations, vpa_signals, market_data, stocks cascade
  `.execute(db);
}
