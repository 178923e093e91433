import { type Kysely, sql } from "kysely";

/**
 * The HTTP API's keys (issue 13). FROZEN once released.
 *
 * - `api_keys`: one row per key. Only the SHA-256 of the secret is stored (hex): the secret is 32
 *   random bytes, far too many to guess, so a slow password hash (bcrypt, argon2) would add nothing
 *   but a cost on every request; a stolen table gives no usable key. `revoked_at` set: refused.
 * - `api_key_subscriptions`: which key created a subscription (a trader sees and deletes only
 *   its own). The subscription itself stays in `subscriptions`, delivered like any other.
 * - `api_backtest_requests`: `POST /backtests` with an `Idempotency-Key`: the same key and body
 *   again returns the same run; another body under the same key is refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_keys (
      id serial primary key,
      name text not null,
      role text not null check (role in ('reader', 'trader', 'admin')),
      secret_hash text not null unique,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );

    create table api_key_subscriptions (
      subscription_id integer primary key references subscriptions (id) on delete cascade,
      api_key_id integer not null references api_keys (id) on delete cascade
    );
    create index api_key_subscriptions_key_idx on api_key_subscriptions (api_key_id);

    create table api_backtest_requests (
      api_key_id integer not null references api_keys (id) on delete cascade,
      idempotency_key text not null,
      request_hash text not null,
      run_id text not null references backtest_runs (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (api_key_id, idempotency_key)
    );

    create index vpa_signals_time_id_idx on vpa_signals (time desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index vpa_signals_time_id_idx;
    drop table api_backtest_requests;
    drop table api_key_subscriptions;
    drop table api_keys;
  `.execute(db);
}
