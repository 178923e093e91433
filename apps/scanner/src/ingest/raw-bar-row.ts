import { basename } from "node:path";
import { BarFileError } from "./bar-file-error.ts";
import type { BarFileFormat } from "./bar-file-format.ts";

/**
 * One row of a bar file as text, before validation (validate-bar-row.ts). Numbers of JSON files
 * arrive here as their decimal text, so every format goes through the same rules.
 */
export interface RawBarRow {
  readonly file: string;
  /**
   * 1-based line number in the file (a CSV header is line 1). In a whole-document `.json` file,
   * which has no meaningful lines, the 1-based position of the bar in the document.
   */
  readonly line: number;
  readonly symbol: string;
  readonly date: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  /** Set when the line could not be split into fields at all (rejected as `malformed-row`). */
  readonly malformed?: string;
}

export interface ReadBarFileOptions {
  /** Symbol of files without a symbol column or field (else taken from the file name). */
  readonly symbol?: string;
  /** Default: by extension ({@link detectBarFileFormat}). */
  readonly format?: BarFileFormat;
  /**
   * JSON only: a numeric time (Unix seconds, as UDF and Vietcap send it) becomes the local
   * (UTC+7) date-time `YYYY-MM-DD HH:MM:SS` when true, the local date `YYYY-MM-DD` when false
   * (daily and weekly bars). Default false.
   */
  readonly intradayTimes?: boolean;
}

/** `vcb-daily.csv.gz` → `VCB`: the leading run of letters and digits, upper-cased. */
export function symbolFromFileName(path: string): string | null {
  const match = /^([A-Za-z0-9]+)/.exec(basename(path));
  return match?.[1] === undefined ? null : match[1].toUpperCase();
}

/** The symbol for rows that carry none: the caller's, else the file name's; a BarFileError if neither. */
export function fixedSymbolFor(path: string, options: ReadBarFileOptions): string {
  const symbol = options.symbol?.toUpperCase() ?? symbolFromFileName(path);
  if (symbol === null) throw new BarFileError(`${path}: no symbol column and none given (--symbol)`);
  return symbol;
}

/** A row that could not be split into fields; validation rejects it as `malformed-row` with `detail`. */
export function malformedRow(file: string, line: number, detail: string): RawBarRow {
  return {
    file,
    line,
    symbol: "",
    date: "",
    open: "",
    high: "",
    low: "",
    close: "",
    volume: "",
    malformed: detail,
  };
}
