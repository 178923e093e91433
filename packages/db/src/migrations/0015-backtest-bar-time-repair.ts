import { type Kysely, sql } from "kysely";

/**
 * Repairs databases migrated with the first version of 0013 (issue 14). FROZEN once released.
 *
 * Migration 0013 (`0013-live-subscribers`) was released adding the subscribers' `live` flag only
 * (d9919e0), then edited (3fcf0b3) to also store backtest trade and equity times as text in
 * bar-time notation (`YYYY-MM-DD` for daily runs, `YYYY-MM-DDTHH:MM:SS+07:00` for intraday ones)
 * instead of `date`. kysely records a migration by name, so a database that ran the first 0013
 * never runs the edit: its `backtest_trades.signal_time/entry_time/exit_time` and
 * `backtest_equity.time` stay `date`, and saving an intraday run fails (text into date).
 *
 * This converts each of those columns that is still `date` to text, `YYYY-MM-DD` as the edited
 * 0013 does, and leaves the others alone: a no-op on a database migrated with the current 0013
 * (or run twice). Columns are looked up in the current schema, as the migrations create them.
 */
const BAR_TIME_COLUMNS = [
  ["backtest_trades", "signal_time"],
  ["backtest_trades", "entry_time"],
  ["backtest_trades", "exit_time"],
  ["backtest_equity", "time"],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of BAR_TIME_COLUMNS) {
    const found = await sql<{ data_type: string }>`
      select data_type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and column_name = ${column}
    `.execute(db);
    if (found.rows[0]?.data_type !== "date") continue;
    await sql`
      alter table ${sql.table(table)}
        alter column ${sql.ref(column)} type text using to_char(${sql.ref(column)}, 'YYYY-MM-DD')
    `.execute(db);
  }
}

/**
 * Nothing to undo: the columns' type belongs to 0013 (its `down` turns them back into dates), and
 * a database this repaired has the same schema as one the current 0013 migrated.
 */
export async function down(_db: Kysely<unknown>): Promise<void> {}
