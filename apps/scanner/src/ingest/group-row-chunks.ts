import type { RawBarRow } from "./raw-bar-row.ts";

/**
 * Joins the reader's chunks (a few hundred rows each) into groups of at least `minRows` rows, so a
 * per-group database look-up (stored-neighbour-closes.ts) runs once per write batch, not once per
 * chunk. Memory: one group of raw rows at a time.
 */
export async function* groupRowChunks(
  chunks: AsyncIterable<RawBarRow[]>,
  minRows: number,
): AsyncGenerator<RawBarRow[]> {
  let group: RawBarRow[] = [];
  for await (const rows of chunks) {
    if (group.length === 0) group = rows;
    else for (const row of rows) group.push(row);
    if (group.length >= minRows) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}
