import { basename } from "node:path";
import { toAsciiUpperCase } from "@vpa/market-data";
import { BarFileError } from "./bar-file-error.ts";
import type { BarFileFormat } from "./bar-file-format.ts";

/**
 * One row of a bar file before validation (validate-bar-row.ts): fields as the file wrote them.
 * Text is checked as plain decimal; numbers of JSON files stay JSON numbers (any JSON notation,
 * `2e3` included), and go through the same range rules.
 */
export interface RawBarRow {
  readonly file: string;
  /**
   * 1-based line number in the file (a CSV header is line 1). In a whole-document `.json` file,
   * which has no meaningful lines, the 1-based position of the bar in the document.
   */
  readonly line: number;
  /** As written: validation trims it and upper-cases ASCII letters, nothing else. */
  readonly symbol: string;
  readonly date: string;
  readonly open: string | number;
  readonly high: string | number;
  readonly low: string | number;
  readonly close: string | number;
  readonly volume: string | number;
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

/** `vcb-daily.csv.gz` → `VCB`: the leading run of ASCII letters and digits, upper-cased. */
export function symbolFromFileName(path: string): string | null {
  const match = /^([A-Za-z0-9]+)/.exec(basename(path));
  return match?.[1] === undefined ? null : toAsciiUpperCase(match[1]);
}

/**
 * The symbol for rows that carry none: the caller's, else the file name's; a BarFileError if
 * neither. Validated with every row (a `--symbol` that is no symbol rejects every row as `bad-symbol`).
 */
export function fixedSymbolFor(path: string, options: ReadBarFileOptions): string {
  const symbol = options.symbol ?? symbolFromFileName(path);
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
