import { type Database, listActiveStocks, type StockRow } from "@vpa/db";
import type { Kysely } from "kysely";

/**
 * symbol → stock row, cached for the life of a worker process: analyze jobs name their symbol,
 * the tables key on the stock id, and the list of stocks changes only on import. A symbol not in
 * the cache is looked up once more (it may have been imported since).
 */
export class StockDirectory {
  readonly #db: Kysely<Database>;
  readonly #stocks = new Map<string, StockRow>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async find(symbol: string): Promise<StockRow | undefined> {
    const cached = this.#stocks.get(symbol);
    if (cached !== undefined) return cached;
    const [row] = await listActiveStocks(this.#db, [symbol]);
    if (row !== undefined) this.#stocks.set(symbol, row);
    return row;
  }
}
