import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/**
 * Streams the rows of a bar file, one line at a time (a 3.2M-row file never sits in memory).
 *
 * Two CSV layouts, told apart by the header (case-insensitive, any column order):
 * - multi-symbol: `symbol,date,open,high,low,close,volume` (the shared dataset's layout);
 * - per-symbol: `date,open,high,low,close,volume` with the symbol from the caller or the file name
 *   (`VCB.csv`, `vcb-daily.csv.gz` → VCB).
 * `.gz` files are gunzipped on the fly. Dates are `YYYY-MM-DD` (daily) or `YYYY-MM-DD HH:MM[:SS]`
 * local exchange time (intraday), as the data sources write them.
 */
export interface RawBarRow {
  readonly file: string;
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly symbol: string;
  readonly date: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

export class BarFileError extends Error {
  readonly code = "BAR_FILE_INVALID";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BarFileError";
  }
}

const REQUIRED = ["date", "open", "high", "low", "close", "volume"] as const;

/** `vcb-daily.csv.gz` → `VCB`: the leading run of letters and digits, upper-cased. */
export function symbolFromFileName(path: string): string | null {
  const match = /^([A-Za-z0-9]+)/.exec(basename(path));
  return match?.[1] === undefined ? null : match[1].toUpperCase();
}

export async function* readBarFile(
  path: string,
  options: { symbol?: string } = {},
): AsyncGenerator<RawBarRow> {
  const raw = createReadStream(path);
  const input = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let columns: Record<string, number> | null = null;
  let fixedSymbol: string | null = null;
  try {
    for await (const text of lines) {
      lineNumber++;
      if (columns === null) {
        const header = text
          .replace(/^\uFEFF/, "")
          .split(",")
          .map((h) => h.trim().toLowerCase());
        const missing = REQUIRED.filter((name) => !header.includes(name));
        if (missing.length > 0) {
          throw new BarFileError(`${path}:1: header lacks ${missing.join(", ")} (got: ${header.join(",")})`);
        }
        columns = Object.fromEntries(header.map((name, index) => [name, index]));
        if (columns.symbol === undefined) {
          fixedSymbol = options.symbol?.toUpperCase() ?? symbolFromFileName(path);
          if (fixedSymbol === null)
            throw new BarFileError(`${path}: no symbol column and none given (--symbol)`);
        }
        continue;
      }
      if (text.trim() === "") continue;
      const fields = text.split(",");
      const field = (name: string): string => {
        const index = columns?.[name];
        return index === undefined ? "" : (fields[index]?.trim() ?? "");
      };
      yield {
        file: path,
        line: lineNumber,
        symbol: fixedSymbol ?? field("symbol").toUpperCase(),
        date: field("date"),
        open: field("open"),
        high: field("high"),
        low: field("low"),
        close: field("close"),
        volume: field("volume"),
      };
    }
  } catch (error) {
    if (error instanceof BarFileError) throw error;
    throw new BarFileError(`${path}: cannot read (${(error as Error).message})`, { cause: error });
  } finally {
    lines.close();
    raw.destroy();
  }
  if (columns === null) throw new BarFileError(`${path}: empty file (no header)`);
}
