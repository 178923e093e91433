import { type Kysely, sql } from "kysely";
import { barTimeToDate } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/**
 * Market indices (migration 0010): a row of `stocks` with `is_index`, its daily bars in
 * `market_data` in index points. An index is a benchmark: never scanned, traded or alerted.
 */

/**
 * Marks symbols as indices, creating their stock rows when new. Returns symbol → id. Idempotent;
 * an index stays one (nothing here turns the flag off).
 *
 * @example
 * await markIndexSymbols(db, ["VN30"]);
 */
export async function markIndexSymbols(
  db: Kysely<Database>,
  symbols: readonly string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const unique = [...new Set(symbols)].sort();
  if (unique.length === 0) return ids;
  const result = await sql<{ id: number; symbol: string }>`
    insert into stocks (symbol, is_index)
    select symbol, true from unnest(${unique}::text[]) as t (symbol)
    on conflict (symbol) do update set is_index = true
    returning id, symbol
  `.execute(db);
  for (const row of result.rows) ids.set(row.symbol, row.id);
  return ids;
}

/** The stored indices, by symbol. */
export async function listIndexSymbols(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom("stocks")
    .select("symbol")
    .where("is_index", "=", true)
    .orderBy("symbol")
    .execute();
  return rows.map((row) => row.symbol);
}

/** An index's daily closes (index points), oldest first; the shape vpa-core's `IndexSeries` takes. */
export interface StoredIndexSeries {
  readonly name: string;
  /** `YYYY-MM-DD`, Asia/Ho_Chi_Minh. */
  readonly time: string[];
  readonly close: number[];
}

/**
 * The daily closes of an index in [from, to] (`YYYY-MM-DD`, inclusive), or null when `symbol` is
 * not stored as an index or has no daily bar in the range. A stock of that name is not an index:
 * null too.
 *
 * @example
 * const vn30 = await loadIndexSeries(db, { symbol: "VN30", from: "2019-01-01", to: "2021-06-30" });
 */
export async function loadIndexSeries(
  db: Kysely<Database>,
  query: { readonly symbol: string; readonly from: string; readonly to: string },
): Promise<StoredIndexSeries | null> {
  const result = await sql<{ time: string[] | null; close: number[] | null }>`
    select array_agg(to_char(m.time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') order by m.time) as time,
      array_agg(m.close order by m.time) as close
    from stocks s join market_data m on m.stock_id = s.id
    where s.symbol = ${query.symbol} and s.is_index and m.timeframe = '1D'
      and m.time >= ${barTimeToDate(query.from)} and m.time <= ${barTimeToDate(query.to)}
  `.execute(db);
  const row = result.rows[0];
  if (row?.time == null || row.close == null || row.time.length === 0) return null;
  return { name: query.symbol, time: row.time, close: row.close };
}
