import { type Database, listActiveStocks, type StockRow } from "@vpa/db";
import type { Kysely } from "kysely";

/**
 * symbol → stock row, cached for the life of a worker process: analyze jobs name their symbol,
 * the tables key on the stock id, and the list of stocks changes only on import. The first lookup
 * loads every active stock in one query (a fresh worker would otherwise pay one query per symbol);
 * a symbol not in the cache is looked up on its own (it may have been imported since).
 */
export class StockDirectory {
  readonly #db: Kysely<Database>;
  readonly #stocks = new Map<string, StockRow>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #loaded: Promise<void> | null = null;

  async find(symbol: string): Promise<StockRow | undefined> {
    this.#loaded ??= listActiveStocks(this.#db).then(
      (rows) => {
        for (const row of rows) this.#stocks.set(row.symbol, row);
      },
      (error: unknown) => {
        this.#loaded = null; // the next job tries again (PostgreSQL may be back)
        throw error;
      },
    );
    await this.#loaded;
    const cached = this.#stocks.get(symbol);
    if (cached !== undefined) return cached;
    const [row] = await listActiveStocks(this.#db, [symbol]);
    if (row !== undefined) this.#stocks.set(symbol, row);
    return row;
  }
}
