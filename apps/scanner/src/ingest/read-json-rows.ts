import { StringDecoder } from "node:string_decoder";
import { BarFileError } from "./bar-file-error.ts";
import { MAX_JSON_DOCUMENT_BYTES } from "./bar-file-format.ts";
import { fixedSymbolFor, malformedRow, type RawBarRow, type ReadBarFileOptions } from "./raw-bar-row.ts";
import { openBarFileStream, readLineChunks } from "./read-line-chunks.ts";

/**
 * JSON bar files.
 *
 * A **bar object** names its fields case-insensitively, with the short names of the TradingView
 * UDF shape accepted too: `symbol` (or `ticker`, `code`), `date` (or `time`, `tradingDate`, `t`),
 * `open`/`o`, `high`/`h`, `low`/`l`, `close`/`c`, `volume`/`v`/`vol`. Numbers may be JSON numbers
 * (any JSON notation) or strings in plain decimal notation. A time is a date text as in CSV files, or a number of Unix seconds (see
 * `intradayTimes`). Without a symbol field the symbol comes from the caller or the file name.
 *
 * - `jsonl` (JSON Lines, streamed): one bar object per line; a line that is not a JSON object is
 *   rejected as `malformed-row`, the other lines still count.
 * - `json` (one document, read whole up to {@link MAX_JSON_DOCUMENT_BYTES}): an array of bar
 *   objects; a UDF response `{"s":"ok","t":[...],"o":[...],"h":[...],"l":[...],"c":[...],"v":[...]}`
 *   (`{"s":"no_data"}` is an empty file, any other `s` an error); or an array of such column
 *   objects without `s`, each with an optional `symbol` (Vietcap's response). Row "lines" are the
 *   1-based positions of the bars in the document.
 */
export async function* readJsonLinesRowChunks(
  path: string,
  options: ReadBarFileOptions,
): AsyncGenerator<RawBarRow[]> {
  const context = { path, options, fixedSymbol: undefined as string | undefined };
  try {
    for await (const { lines, firstLine } of readLineChunks(path)) {
      const rows: RawBarRow[] = [];
      for (let i = 0; i < lines.length; i++) {
        const text = (lines[i] as string).trim();
        if (text === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          rows.push(malformedRow(path, firstLine + i, `not JSON (${(error as Error).message})`));
          continue;
        }
        rows.push(rowFromObject(context, firstLine + i, value));
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    throw asBarFileError(path, error);
  }
}

export async function* readJsonDocumentRowChunks(
  path: string,
  options: ReadBarFileOptions,
): AsyncGenerator<RawBarRow[]> {
  let document: unknown;
  try {
    document = JSON.parse(await readWholeText(path));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new BarFileError(`${path}: not a JSON document (${error.message})`);
    throw asBarFileError(path, error);
  }
  const context = { path, options, fixedSymbol: undefined as string | undefined };
  let position = 0;
  let rows: RawBarRow[] = [];
  const columnRows = function* (columns: Record<string, unknown>): Generator<RawBarRow> {
    const symbol = typeof columns.symbol === "string" ? columns.symbol : undefined;
    const column = (name: string): unknown[] => {
      const values = columns[name];
      return Array.isArray(values) ? values : [];
    };
    const t = column("t");
    const o = column("o");
    const h = column("h");
    const l = column("l");
    const c = column("c");
    const v = column("v");
    const length = Math.max(t.length, o.length, h.length, l.length, c.length, v.length);
    for (let i = 0; i < length; i++) {
      position++;
      yield rowFromObject(context, position, {
        symbol,
        t: t[i],
        o: o[i],
        h: h[i],
        l: l[i],
        c: c[i],
        v: v[i],
      });
    }
  };
  const elements: Iterable<unknown> = Array.isArray(document) ? document : [document];
  for (const element of elements) {
    if (isColumnObject(element)) {
      if (typeof element.s === "string" && element.s !== "ok") {
        if (element.s === "no_data") continue;
        const message = typeof element.errmsg === "string" ? `: ${element.errmsg}` : "";
        throw new BarFileError(`${path}: the response says "${element.s}"${message}`);
      }
      for (const row of columnRows(element)) {
        rows.push(row);
        if (rows.length >= 10_000) {
          yield rows;
          rows = [];
        }
      }
    } else if (!Array.isArray(document)) {
      throw new BarFileError(
        `${path}: expected an array of bars or a UDF response {"s":"ok","t":[...],...} (got an object with ${Object.keys(
          element ?? {},
        )
          .slice(0, 5)
          .join(", ")})`,
      );
    } else {
      position++;
      rows.push(rowFromObject(context, position, element));
      if (rows.length >= 10_000) {
        yield rows;
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield rows;
}

function isColumnObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return "s" in value || Array.isArray((value as Record<string, unknown>).t);
}

async function readWholeText(path: string): Promise<string> {
  const decoder = new StringDecoder("utf8");
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of openBarFileStream(path)) {
    bytes += chunk.length;
    if (bytes > MAX_JSON_DOCUMENT_BYTES) {
      throw new BarFileError(
        `${path}: a JSON document above ${MAX_JSON_DOCUMENT_BYTES / 1024 / 1024} MB is not read whole; write it as JSON Lines (.jsonl, one bar per line, streamed)`,
      );
    }
    parts.push(decoder.write(chunk));
  }
  parts.push(decoder.end());
  return parts.join("");
}

type FieldName = "symbol" | "date" | "open" | "high" | "low" | "close" | "volume";

const FIELD_ALIASES: Readonly<Record<string, FieldName>> = {
  symbol: "symbol",
  ticker: "symbol",
  code: "symbol",
  date: "date",
  time: "date",
  tradingdate: "date",
  t: "date",
  open: "open",
  o: "open",
  high: "high",
  h: "high",
  low: "low",
  l: "low",
  close: "close",
  c: "close",
  volume: "volume",
  v: "volume",
  vol: "volume",
};

interface JsonContext {
  readonly path: string;
  readonly options: ReadBarFileOptions;
  fixedSymbol: string | undefined;
}

function rowFromObject(context: JsonContext, line: number, value: unknown): RawBarRow {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return malformedRow(context.path, line, `not a bar object: ${JSON.stringify(value)?.slice(0, 60)}`);
  }
  const fields: Partial<Record<FieldName, unknown>> = {};
  for (const [key, field] of Object.entries(value)) {
    const name = FIELD_ALIASES[key.toLowerCase()];
    if (name !== undefined && fields[name] === undefined) fields[name] = field;
  }
  let symbol: string;
  if (fields.symbol === undefined || fields.symbol === null) {
    context.fixedSymbol ??= fixedSymbolFor(context.path, context.options);
    symbol = context.fixedSymbol;
  } else symbol = text(fields.symbol);
  return {
    file: context.path,
    line,
    symbol,
    date:
      typeof fields.date === "number"
        ? localTimeText(fields.date, context.options.intradayTimes === true)
        : text(fields.date),
    open: numeric(fields.open),
    high: numeric(fields.high),
    low: numeric(fields.low),
    close: numeric(fields.close),
    volume: numeric(fields.volume),
  };
}

/** A JSON number stays a number (validation judges its value); anything else becomes text. */
function numeric(value: unknown): string | number {
  return typeof value === "number" ? value : text(value);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

/** Unix seconds → local (UTC+7) `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; "" (→ bad-date) if not finite. */
function localTimeText(unixSeconds: number, intraday: boolean): string {
  const local = new Date(unixSeconds * 1000 + 7 * 3_600_000);
  if (!Number.isFinite(unixSeconds) || Number.isNaN(local.getTime())) return String(unixSeconds);
  const iso = local.toISOString();
  return intraday ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(0, 10);
}

function asBarFileError(path: string, error: unknown): BarFileError {
  if (error instanceof BarFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === "ENOENT" ? "no such file or directory" : (error as Error).message;
  return new BarFileError(`${path}: cannot read (${reason})`, { cause: error });
}
