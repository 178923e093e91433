import type { market } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, isDailyOrLonger, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";
import type { BarRow } from "./market-data-repository.ts";

/** A symbol as the HTTP API lists it. */
export interface SymbolView {
  readonly symbol: string;
  readonly name: string | null;
  readonly sector: string | null;
  readonly exchange: string | null;
  readonly isIndex: boolean;
}

/** Active stocks and indices, by symbol. */
export async function listSymbols(
  db: Kysely<Database>,
  query: { readonly exchange?: market.Exchange } = {},
): Promise<SymbolView[]> {
  let select = db
    .selectFrom("stocks")
    .select(["symbol", "name", "sector", "exchange", "is_index"])
    .where("is_active", "=", true)
    .orderBy("symbol");
  if (query.exchange !== undefined) select = select.where("exchange", "=", query.exchange);
  const rows = await select.execute();
  return rows.map((row) => ({
    symbol: row.symbol,
    name: row.name,
    sector: row.sector,
    exchange: row.exchange,
    isIndex: row.is_index,
  }));
}

/** One symbol (active or not); undefined when unknown. */
export async function findSymbol(db: Kysely<Database>, symbol: string): Promise<SymbolView | undefined> {
  const row = await db
    .selectFrom("stocks")
    .select(["symbol", "name", "sector", "exchange", "is_index"])
    .where("symbol", "=", symbol)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        symbol: row.symbol,
        name: row.name,
        sector: row.sector,
        exchange: row.exchange,
        isIndex: row.is_index,
      };
}

export interface BarRangeQuery {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Inclusive bounds (bar times); either may be left out. */
  readonly from?: string;
  readonly to?: string;
  /** The newest `limit` bars of the range. */
  readonly limit: number;
}

/** A symbol's bars in a range, oldest first (times as in bar-time.ts, prices thousand VND). */
export async function loadBarRange(db: Kysely<Database>, query: BarRangeQuery): Promise<BarRow[]> {
  const format = isDailyOrLonger(query.timeframe) ? "YYYY-MM-DD" : 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"';
  const from = query.from === undefined ? sql`` : sql`and m.time >= ${barTimeToDate(query.from)}`;
  const to = query.to === undefined ? sql`` : sql`and m.time <= ${barTimeToDate(query.to)}`;
  const result = await sql<BarRow>`
    select to_char(m.time at time zone 'Asia/Ho_Chi_Minh', ${format}) as time,
      m.open, m.high, m.low, m.close, m.volume
    from market_data m join stocks s on s.id = m.stock_id
    where s.symbol = ${query.symbol} and m.timeframe = ${query.timeframe} ${from} ${to}
    order by m.time desc
    limit ${query.limit}
  `.execute(db);
  return result.rows.reverse();
}
