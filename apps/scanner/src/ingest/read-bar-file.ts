import { detectBarFileFormat } from "./bar-file-format.ts";
import type { RawBarRow, ReadBarFileOptions } from "./raw-bar-row.ts";
import { readCsvRowChunks } from "./read-csv-rows.ts";
import { readJsonDocumentRowChunks, readJsonLinesRowChunks } from "./read-json-rows.ts";

export { BarFileError } from "./bar-file-error.ts";
export type { RawBarRow, ReadBarFileOptions } from "./raw-bar-row.ts";
export { fixedSymbolFor, symbolFromFileName } from "./raw-bar-row.ts";

/**
 * Streams the rows of a bar file in chunks (one per ~256 KB read), so a 3.2M-row file never sits in
 * memory and the importer pays one `await` per chunk, not per row.
 *
 * CSV: two layouts, told apart by the header (case-insensitive, any column order): multi-symbol
 * `symbol,date,open,high,low,close,volume` (the shared dataset's layout) and per-symbol
 * `date,open,high,low,close,volume` with the symbol from the caller or the file name (`VCB.csv`,
 * `vcb-daily.csv.gz` → VCB). JSON: see read-json-rows.ts. `.gz` files are gunzipped on the fly.
 * Dates are `YYYY-MM-DD` (daily) or `YYYY-MM-DD HH:MM[:SS]` local exchange time (intraday).
 */
export function readBarRowChunks(
  path: string,
  options: ReadBarFileOptions = {},
): AsyncGenerator<RawBarRow[]> {
  const format = options.format ?? detectBarFileFormat(path);
  switch (format) {
    case "csv":
      return readCsvRowChunks(path, options);
    case "jsonl":
      return readJsonLinesRowChunks(path, options);
    case "json":
      return readJsonDocumentRowChunks(path, options);
  }
}

/** The rows of a bar file one by one (see {@link readBarRowChunks}). */
export async function* readBarFile(
  path: string,
  options: ReadBarFileOptions = {},
): AsyncGenerator<RawBarRow> {
  for await (const rows of readBarRowChunks(path, options)) yield* rows;
}
