import { type Kysely, sql } from "kysely";
import { dateToBarTime, TIMEFRAMES, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

export interface BarFreshness {
  /** HOSE, HNX, UPCOM, or "unknown" for stocks without an exchange. */
  readonly exchange: string;
  readonly timeframe: Timeframe;
  readonly symbols: number;
  /** Newest bar of the group. */
  readonly newest: string;
  /** Oldest "newest bar" among the group's symbols: the laggard. */
  readonly oldestNewest: string;
  readonly newestAt: Date;
}

/**
 * How fresh the stored bars are, per exchange and timeframe: for `vpa status`. One statement per
 * timeframe, one index probe per stock (the primary key, backwards). The timeframe is a bound value,
 * not a column of another table: the planner then keeps only its partition group and walks the
 * time partitions newest first, stopping at the first bar (migration 0014). A timeframe without
 * bars gives no rows.
 */
export async function listBarFreshness(db: Kysely<Database>): Promise<BarFreshness[]> {
  const freshness: BarFreshness[] = [];
  for (const timeframe of [...TIMEFRAMES].sort()) {
    const rows = await sql<{ exchange: string; symbols: number; newest: Date; oldest_newest: Date }>`
      select coalesce(s.exchange, 'unknown') as exchange, count(*)::int as symbols,
        max(last.time) as newest, min(last.time) as oldest_newest
      from stocks s
      cross join lateral (
        select m.time from market_data m where m.stock_id = s.id and m.timeframe = ${timeframe}
        order by m.time desc limit 1
      ) last
      where s.is_active
      group by 1 order by 1
    `.execute(db);
    for (const row of rows.rows) {
      freshness.push({
        exchange: row.exchange,
        timeframe,
        symbols: row.symbols,
        newest: dateToBarTime(row.newest, timeframe),
        oldestNewest: dateToBarTime(row.oldest_newest, timeframe),
        newestAt: row.newest,
      });
    }
  }
  return freshness;
}
