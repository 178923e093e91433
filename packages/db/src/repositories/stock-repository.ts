import { market } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

export interface StockInput {
  readonly symbol: string;
  readonly name?: string | null;
  readonly sector?: string | null;
  readonly exchange?: market.Exchange | null;
}

/**
 * Inserts the stocks that are new and fills in metadata that was missing; returns symbol → id for
 * every given symbol. Known metadata is never overwritten with null. A VN30 index future given no
 * exchange is on HNX (its derivatives market): an import of its bars alone knows where it trades.
 */
export async function upsertStocks(
  db: Kysely<Database>,
  stocks: readonly StockInput[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (stocks.length === 0) return ids;
  const unique = [...new Map(stocks.map((s) => [s.symbol, s])).values()].map((s) =>
    (s.exchange ?? null) === null && market.isIndexFuture(s.symbol) ? { ...s, exchange: "HNX" as const } : s,
  );
  const rows = await sql<{ id: number; symbol: string }>`
    insert into stocks (symbol, name, sector, exchange)
    select * from unnest(${unique.map((s) => s.symbol)}::text[], ${unique.map((s) => s.name ?? null)}::text[],
                         ${unique.map((s) => s.sector ?? null)}::text[], ${unique.map((s) => s.exchange ?? null)}::text[])
    on conflict (symbol) do update set
      name = coalesce(excluded.name, stocks.name),
      sector = coalesce(excluded.sector, stocks.sector),
      exchange = coalesce(excluded.exchange, stocks.exchange)
    returning id, symbol
  `.execute(db);
  for (const row of rows.rows) ids.set(row.symbol, row.id);
  return ids;
}

export interface StockRow {
  readonly id: number;
  readonly symbol: string;
  readonly name: string | null;
  readonly exchange: string | null;
}

/**
 * Active stocks, optionally only the given symbols, ordered by symbol. Indices (`is_index`, e.g.
 * VN30) are left out unless `includeIndices`: the scanner, fetcher and stream never treat one as
 * a tradable symbol; the importer, which stores their bars, asks for them.
 */
export async function listActiveStocks(
  db: Kysely<Database>,
  symbols?: readonly string[],
  options: { readonly includeIndices?: boolean } = {},
): Promise<StockRow[]> {
  let query = db
    .selectFrom("stocks")
    .select(["id", "symbol", "name", "exchange"])
    .where("is_active", "=", true)
    .orderBy("symbol");
  if (options.includeIndices !== true) query = query.where("is_index", "=", false);
  if (symbols !== undefined) query = query.where("symbol", "in", symbols.length > 0 ? symbols : [""]);
  return query.execute();
}
