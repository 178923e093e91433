import {
  type Database,
  listStoredClosesAround,
  type StoredCloseRange,
  type StoredCloses,
  type Timeframe,
} from "@vpa/db";
import { normalizeMarketSymbol } from "@vpa/market-data";
import type { Kysely } from "kysely";
import type { RawBarRow } from "./raw-bar-row.ts";
import { barTimeKey } from "./validate-bar-row.ts";

/**
 * The stored bars that the rows of one group are compared with by the price-jump rule
 * (import-bars.ts), by symbol: for each symbol of the group that had bars in the timeframe when the
 * import began, its newest stored bar at or before the group's earliest row, and every stored bar
 * up to the group's latest row. One query per group, whatever the number of symbols
 * (listStoredClosesAround); rows whose symbol or date is invalid are left out (validation rejects
 * them anyway).
 */
export async function loadStoredNeighbourCloses(
  db: Kysely<Database>,
  timeframe: Timeframe,
  rows: readonly RawBarRow[],
  stockIdsWithBars: ReadonlyMap<string, number>,
): Promise<Map<string, StoredCloses>> {
  const spans = new Map<string, { from: number; to: number }>();
  for (const row of rows) {
    const symbol = normalizeMarketSymbol(row.symbol);
    if (symbol === null || !stockIdsWithBars.has(symbol)) continue;
    const time = barTimeKey(row.date);
    if (Number.isNaN(time)) continue;
    const span = spans.get(symbol);
    if (span === undefined) spans.set(symbol, { from: time, to: time });
    else if (time < span.from) span.from = time;
    else if (time > span.to) span.to = time;
  }
  const ranges: StoredCloseRange[] = [];
  for (const [symbol, span] of spans)
    ranges.push({ stockId: stockIdsWithBars.get(symbol) as number, ...span });
  const byStock = await listStoredClosesAround(db, timeframe, ranges);
  const bySymbol = new Map<string, StoredCloses>();
  for (const symbol of spans.keys()) {
    const closes = byStock.get(stockIdsWithBars.get(symbol) as number);
    if (closes !== undefined) bySymbol.set(symbol, closes);
  }
  return bySymbol;
}

/** Index of the newest of `times` (ascending) at or before `time`, or -1 if none. */
export function indexAtOrBefore(times: readonly number[], time: number): number {
  let low = 0;
  let high = times.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) <= time) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
