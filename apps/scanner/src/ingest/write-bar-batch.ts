import { type Database, listStocksWithoutBars, type Timeframe, upsertStocks, writeBarColumns } from "@vpa/db";
import type { Kysely } from "kysely";
import type { BarBatch } from "./bar-batch.ts";

const UNIQUE_VIOLATION = "23505";

/**
 * Writes one batch: stores the stocks first seen in it (one statement) and learns which of them
 * have no bars yet (one statement), then plain-inserts the rows of such stocks and upserts the rest
 * (one statement each, whatever the number of symbols). Returns the rows inserted or changed.
 *
 * A plain insert that meets a stored bar (another import of the same symbol running at the same
 * time) fails whole with a unique violation, writes nothing, and is redone as an upsert: the fast
 * path never loses or duplicates a bar.
 */
export async function writeBarBatch(
  db: Kysely<Database>,
  timeframe: Timeframe,
  batch: BarBatch,
): Promise<number> {
  const undecided = [...new Set(batch.series)].filter((series) => series.writeMode === "unknown");
  // Sorted: concurrent batches then lock new stock rows in one order and cannot deadlock.
  const unresolved = undecided
    .filter((series) => series.stockId === undefined)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  if (unresolved.length > 0) {
    const ids = await upsertStocks(
      db,
      unresolved.map((series) => ({ symbol: series.symbol })),
    );
    for (const series of unresolved) {
      const id = ids.get(series.symbol);
      if (id === undefined) throw new Error(`stock ${series.symbol} could not be stored`);
      series.stockId = id;
    }
  }
  if (undecided.length > 0) {
    const empty = await listStocksWithoutBars(
      db,
      timeframe,
      undecided.map((series) => series.stockId as number),
    );
    for (const series of undecided)
      series.writeMode = empty.has(series.stockId as number) ? "insert" : "upsert";
  }
  const inserts = batch.columns((series) => series.writeMode === "insert");
  const upserts = batch.columns((series) => series.writeMode === "upsert");
  let written = 0;
  if (inserts.stockIds.length > 0) {
    try {
      written += (await writeBarColumns(db, timeframe, inserts, "insert")).written;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      for (const series of batch.series) series.writeMode = "upsert";
      written += (await writeBarColumns(db, timeframe, inserts, "upsert")).written;
    }
  }
  if (upserts.stockIds.length > 0)
    written += (await writeBarColumns(db, timeframe, upserts, "upsert")).written;
  return written;
}
