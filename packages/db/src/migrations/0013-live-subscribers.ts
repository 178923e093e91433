import { type Kysely, sql } from "kysely";

/**
 * Live intraday (issue 14). FROZEN once released.
 *
 * 1. Live alerts per subscriber (vpa-signals.md §10): `live` subscribers also get the provisional
 *    alerts of forming intraday bars and their follow-ups (`/live on`, `vpa subscribe --live`).
 *    Off by default: a provisional alert is an early warning that may not hold. A partial index
 *    keeps the live stream's recipient look-up to the few who opted in.
 * 2. Backtests of intraday bars: a run's trade and equity times are stored in bar-time notation,
 *    `YYYY-MM-DD` for daily runs (as before) or `YYYY-MM-DDTHH:MM:SS+07:00` for intraday ones, as
 *    text (one notation per run, so it sorts), instead of `date`, which kept only the day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table subscribers add column live boolean not null default false`.execute(db);
  await sql`create index subscribers_live on subscribers (id) where live and is_active`.execute(db);
  await sql`
    alter table backtest_trades
      alter column signal_time type text using to_char(signal_time, 'YYYY-MM-DD'),
      alter column entry_time type text using to_char(entry_time, 'YYYY-MM-DD'),
      alter column exit_time type text using to_char(exit_time, 'YYYY-MM-DD');
    alter table backtest_equity alter column time type text using to_char(time, 'YYYY-MM-DD');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Intraday runs' rows cannot be kept as dates: they go with the column type.
  await sql`
    delete from backtest_runs where id in (select run_id from backtest_equity where length(time) > 10);
    alter table backtest_trades
      alter column signal_time type date using left(signal_time, 10)::date,
      alter column entry_time type date using left(entry_time, 10)::date,
      alter column exit_time type date using left(exit_time, 10)::date;
    alter table backtest_equity alter column time type date using time::date;
  `.execute(db);
  await sql`drop index if exists subscribers_live`.execute(db);
  await sql`alter table subscribers drop column if exists live`.execute(db);
}
