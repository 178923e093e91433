import { type Kysely, sql } from "kysely";

/**
 * Market indices and walk-forward backtests (issue 12 items 5 and 6). FROZEN once released.
 *
 * - `stocks.is_index`: the row is an index (VN30, VNINDEX...), stored with its daily bars in
 *   `market_data` (index points, not a price) so that backtests can compare with it. An index is
 *   never scanned, traded or alerted: the queries that list symbols for those skip it. Rows
 *   already stored under the exchanges' index names are marked here (the list the importer
 *   recognises, frozen as of this migration).
 * - `backtest_runs.kind` gains `walk-forward`: a run whose children are one training sweep per
 *   window, and whose own result is the stitched out-of-sample equity.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table stocks add column is_index boolean not null default false;
    comment on column stocks.is_index is 'An index (VN30, VNINDEX...): bars in index points; never scanned, traded or alerted.';
    update stocks set is_index = true
      where symbol in ('VNINDEX', 'VN30', 'VN100', 'VNALL', 'VNMIDCAP', 'VNSMALLCAP', 'VNX50', 'VNXALL',
                       'HNXINDEX', 'HNX30', 'UPCOMINDEX');

    alter table backtest_runs drop constraint backtest_runs_kind_check;
    alter table backtest_runs add constraint backtest_runs_kind_check
      check (kind in ('run', 'sweep', 'walk-forward'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from backtest_runs where kind = 'walk-forward';
    alter table backtest_runs drop constraint backtest_runs_kind_check;
    alter table backtest_runs add constraint backtest_runs_kind_check check (kind in ('run', 'sweep'));
    alter table stocks drop column is_index;
  `.execute(db);
}
