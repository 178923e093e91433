import { type Kysely, sql } from "kysely";
import { barTimeToDate, dateToBarTime, isDailyOrLonger, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/** One OHLCV bar as the system passes it around: prices in thousand VND, time as in bar-time.ts. */
export interface BarRow {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface UpsertBarsResult {
  /** Rows inserted or changed. Re-importing identical bars changes nothing and counts 0. */
  readonly written: number;
}

/**
 * Inserts or updates the bars of one stock in a single statement. The rows travel as one array per
 * column (`unnest`), so the statement has 8 bind parameters whatever the batch size and can never
 * reach PostgreSQL's 65,535-parameter limit. A bar repeated within the batch keeps its last copy
 * (ON CONFLICT DO UPDATE may not touch one row twice).
 */
export async function upsertBars(
  db: Kysely<Database>,
  stockId: number,
  timeframe: Timeframe,
  bars: readonly BarRow[],
): Promise<UpsertBarsResult> {
  if (bars.length === 0) return { written: 0 };
  const byTime = new Map<string, BarRow>();
  for (const bar of bars) byTime.set(bar.time, bar);
  const unique = [...byTime.values()];
  const result = await sql`
    insert into market_data (stock_id, timeframe, time, open, high, low, close, volume)
    select ${stockId}::int, ${timeframe}::text, t.* from unnest(
      ${unique.map((b) => barTimeToDate(b.time))}::timestamptz[],
      ${unique.map((b) => b.open)}::float8[], ${unique.map((b) => b.high)}::float8[],
      ${unique.map((b) => b.low)}::float8[], ${unique.map((b) => b.close)}::float8[],
      ${unique.map((b) => Math.round(b.volume))}::int8[]
    ) as t(time, open, high, low, close, volume)
    on conflict (stock_id, timeframe, time) do update set
      open = excluded.open, high = excluded.high, low = excluded.low,
      close = excluded.close, volume = excluded.volume
    where (market_data.open, market_data.high, market_data.low, market_data.close, market_data.volume)
      is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)
  `.execute(db);
  return { written: Number(result.numAffectedRows ?? 0) };
}

export interface RecentBarsQuery {
  readonly stockId: number;
  readonly timeframe: Timeframe;
  /** Newest bar to include (inclusive); default: the newest stored. */
  readonly until?: string;
  readonly limit: number;
}

/**
 * The last `limit` bars up to `until`, oldest first (the order vpa-core expects).
 *
 * Hot path (one call per analyze job): PostgreSQL formats the bar time in Asia/Ho_Chi_Minh itself,
 * so no Date object is built and parsed back per row (bench/scan measured ~30% off this call).
 */
export async function loadRecentBars(db: Kysely<Database>, query: RecentBarsQuery): Promise<BarRow[]> {
  const format = isDailyOrLonger(query.timeframe) ? "YYYY-MM-DD" : 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"';
  const until = query.until === undefined ? sql`` : sql`and time <= ${barTimeToDate(query.until)}`;
  const result = await sql<BarRow>`
    select to_char(time at time zone 'Asia/Ho_Chi_Minh', ${format}) as time, open, high, low, close, volume
    from market_data
    where stock_id = ${query.stockId} and timeframe = ${query.timeframe} ${until}
    order by market_data.time desc
    limit ${query.limit}
  `.execute(db);
  return result.rows.reverse();
}

export interface LatestBar {
  readonly stockId: number;
  readonly symbol: string;
  readonly time: string;
}

/** For each active stock (or the given symbols) that has bars: its newest bar time. */
export async function listLatestBars(
  db: Kysely<Database>,
  timeframe: Timeframe,
  symbols?: readonly string[],
): Promise<LatestBar[]> {
  const symbolFilter = symbols === undefined ? sql`true` : sql`s.symbol = any(${[...symbols]}::text[])`;
  // A lateral "top 1" per stock walks the primary key backwards: one index probe per stock.
  const result = await sql<{ stock_id: number; symbol: string; time: Date }>`
    select s.id as stock_id, s.symbol, last.time
    from stocks s
    cross join lateral (
      select m.time from market_data m
      where m.stock_id = s.id and m.timeframe = ${timeframe}
      order by m.time desc limit 1
    ) last
    where s.is_active and ${symbolFilter}
    order by s.symbol
  `.execute(db);
  return result.rows.map((row) => ({
    stockId: row.stock_id,
    symbol: row.symbol,
    time: dateToBarTime(row.time, timeframe),
  }));
}
