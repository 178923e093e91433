import { type Kysely, sql } from "kysely";

/**
 * Reopens the stored track record of VN30 index futures (issue 14). FROZEN once released.
 *
 * Until this release the track record netted every signal's forward return as a stock's (brokerage
 * and the 0.1% sell tax on the value, ~0.4% a round trip); a future pays fees per contract and per
 * night held and a tax on both sides (~0.03%: vpa-core `roundTripCostsOf`). A row's net return is
 * computed once, when its horizon passes, and never again, so the futures' final rows would keep the
 * stocks' costs for good. This makes them not final again (migration 0008: a null return is "not
 * final yet"): the next `vpa study --update` (or the scanner's scheduled update) reads them as work
 * and writes them with the futures' costs. Their chance draws stay as drawn. Stocks are untouched.
 * The symbol rule is vpa-core's `isIndexFuture` (`^VN30F[0-9A-Z]+$`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update signal_outcomes o
    set net_return = null, hit = null, exit_time = null, exit_price = null,
      chance_net_return = null, chance_hit = null, chance_exit_time = null, chance_exit_price = null,
      updated_at = now()
    from vpa_signals s join stocks st on st.id = s.stock_id
    where o.signal_id = s.id and st.symbol ~ '^VN30F[0-9A-Z]+$'
      and (o.net_return is not null or o.chance_net_return is not null)
  `.execute(db);
}

/** Nothing to undo: the rows are recomputed by the next update, with whichever costs it has. */
export async function down(): Promise<void> {}
