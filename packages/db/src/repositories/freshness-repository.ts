import { type Kysely, sql } from "kysely";
import { dateToBarTime, type Timeframe } from "../bar-time.ts";
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
 * How fresh the stored bars are, per exchange and timeframe: for `vpa status`. One index probe per
 * stock and timeframe (the primary key, backwards).
 */
export async function listBarFreshness(db: Kysely<Database>): Promise<BarFreshness[]> {
  const rows = await sql<{
    exchange: string;
    timeframe: string;
    symbols: number;
    newest: Date;
    oldest_newest: Date;
  }>`
    with timeframes as (select distinct timeframe from market_data),
    latest as (
      select s.id, coalesce(s.exchange, 'unknown') as exchange, tf.timeframe, last.time
      from stocks s cross join timeframes tf
      cross join lateral (
        select m.time from market_data m where m.stock_id = s.id and m.timeframe = tf.timeframe
        order by m.time desc limit 1
      ) last
      where s.is_active
    )
    select exchange, timeframe, count(*)::int as symbols, max(time) as newest, min(time) as oldest_newest
    from latest group by exchange, timeframe order by timeframe, exchange
  `.execute(db);
  return rows.rows.map((row) => {
    const timeframe = row.timeframe as Timeframe;
    return {
      exchange: row.exchange,
      timeframe,
      symbols: row.symbols,
      newest: dateToBarTime(row.newest, timeframe),
      oldestNewest: dateToBarTime(row.oldest_newest, timeframe),
      newestAt: row.newest,
    };
  });
}
