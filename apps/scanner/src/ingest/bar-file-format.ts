import { basename } from "node:path";

/**
 * Layouts of a bar file (read-bar-file.ts):
 * - `csv`: a header line, then one bar per line (`symbol,date,open,...` or per-symbol `date,open,...`);
 * - `jsonl`: JSON Lines, one bar object per line (streamed);
 * - `json`: one JSON document: an array of bar objects, a TradingView UDF response
 *   `{"s":"ok","t":[...],"o":[...],...}`, or an array of such column objects (Vietcap). Parsed whole,
 *   so only up to {@link MAX_JSON_DOCUMENT_BYTES}.
 */
export const BAR_FILE_FORMATS = ["csv", "jsonl", "json"] as const;
export type BarFileFormat = (typeof BAR_FILE_FORMATS)[number];

/** A whole-document `.json` file is parsed in one go; above this (uncompressed) size use JSON Lines. */
export const MAX_JSON_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** File names a directory import picks up (sorted by name). */
export const BAR_FILE_NAME = /\.(csv|jsonl|ndjson|json)(\.gz)?$/i;

export function isBarFileFormat(value: string): value is BarFileFormat {
  return (BAR_FILE_FORMATS as readonly string[]).includes(value);
}

/** By extension, ignoring a trailing `.gz`: `.jsonl`/`.ndjson` → jsonl, `.json` → json, else csv. */
export function detectBarFileFormat(path: string): BarFileFormat {
  const name = basename(path).toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name.endsWith(".json")) return "json";
  return "csv";
}
