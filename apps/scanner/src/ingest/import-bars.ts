import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type BarRow, type Database, type Timeframe, upsertBars, upsertStocks } from "@vpa/db";
import type { Kysely } from "kysely";
import { BarFileError, readBarFile } from "./read-bar-file.ts";
import { splitCsvLine } from "./split-csv-line.ts";
import { type RejectionReason, validateBarRow } from "./validate-bar-row.ts";

export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly reason: RejectionReason;
  readonly detail: string;
}

export interface ImportSummary {
  readonly files: number;
  readonly rowsRead: number;
  readonly barsAccepted: number;
  /** Bars inserted or changed; re-importing the same file writes 0. */
  readonly barsWritten: number;
  readonly symbols: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  /** The first `maxRejectionsKept` rejections in full (file, line, reason). */
  readonly rejections: readonly Rejection[];
  readonly rejectedTotal: number;
}

export interface ImportOptions {
  readonly timeframe?: Timeframe;
  /** Symbol for per-symbol files without a symbol column (else from the file name). */
  readonly symbol?: string;
  /** Today in Asia/Ho_Chi_Minh (YYYY-MM-DD): later dates are rejected. */
  readonly todayLocal: string;
  /** Default 100,000. */
  readonly maxRejectionsKept?: number;
  readonly onProgress?: (rowsRead: number) => void;
}

const FLUSH_ROWS = 20_000;

/** `path` may be a file, a `.gz` file, or a directory of them (`*.csv`, `*.csv.gz`, sorted by name). */
export async function listBarFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new BarFileError(
      `${path}: ${error.code === "ENOENT" ? "no such file or directory" : error.message}`,
    );
  });
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => /\.csv(\.gz)?$/i.test(name)).sort();
  if (names.length === 0) throw new BarFileError(`${path}: no .csv or .csv.gz files in the directory`);
  return names.map((name) => join(path, name));
}

/**
 * Streams bar files into `market_data`: every row validated (validate-bar-row.ts), rejected rows
 * reported with file, line and reason, every valid row stored. Bars are written per symbol in
 * batches with one upsert statement each; re-importing is idempotent.
 *
 * A time repeated for the same symbol within one contiguous run of that symbol keeps the first row
 * and rejects the later one (`duplicate-time`).
 */
export async function importBars(
  db: Kysely<Database>,
  paths: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const keep = options.maxRejectionsKept ?? 100_000;
  const rejectedByReason: Partial<Record<RejectionReason, number>> = {};
  const rejections: Rejection[] = [];
  const symbols = new Set<string>();
  let rowsRead = 0;
  let barsAccepted = 0;
  let barsWritten = 0;
  let rejectedTotal = 0;
  let timeframe: Timeframe | undefined = options.timeframe;

  let currentSymbol: string | null = null;
  let seenTimes = new Set<string>();
  let buffer: BarRow[] = [];
  const stockIds = new Map<string, number>();

  const flush = async () => {
    if (currentSymbol === null || buffer.length === 0) return;
    let stockId = stockIds.get(currentSymbol);
    if (stockId === undefined) {
      stockId = (await upsertStocks(db, [{ symbol: currentSymbol }])).get(currentSymbol);
      if (stockId === undefined) throw new Error(`stock ${currentSymbol} could not be stored`);
      stockIds.set(currentSymbol, stockId);
    }
    barsWritten += (await upsertBars(db, stockId, timeframe ?? "1D", buffer)).written;
    buffer = [];
  };
  const reject = (file: string, line: number, reason: RejectionReason, detail: string) => {
    rejectedTotal++;
    rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
    if (rejections.length < keep) rejections.push({ file, line, reason, detail });
  };

  for (const path of paths) {
    for await (const row of readBarFile(path, { symbol: options.symbol })) {
      rowsRead++;
      if (options.onProgress !== undefined && rowsRead % 100_000 === 0) options.onProgress(rowsRead);
      const result = validateBarRow(row, options.todayLocal);
      if (!result.ok) {
        reject(row.file, row.line, result.reason, result.detail);
        continue;
      }
      if (result.intraday && (timeframe === undefined || timeframe === "1D" || timeframe === "1W")) {
        throw new BarFileError(
          `${row.file}:${row.line}: intraday rows need an intraday --timeframe (1m, 5m, 15m, 30m or 1h)`,
        );
      }
      timeframe ??= "1D";
      if (result.symbol !== currentSymbol) {
        await flush();
        currentSymbol = result.symbol;
        seenTimes = new Set();
      }
      if (seenTimes.has(result.bar.time)) {
        reject(row.file, row.line, "duplicate-time", `${result.symbol} ${result.bar.time} already read`);
        continue;
      }
      seenTimes.add(result.bar.time);
      symbols.add(result.symbol);
      buffer.push(result.bar);
      barsAccepted++;
      if (buffer.length >= FLUSH_ROWS) await flush();
    }
    await flush();
  }
  return {
    files: paths.length,
    rowsRead,
    barsAccepted,
    barsWritten,
    symbols: symbols.size,
    rejectedByReason,
    rejections,
    rejectedTotal,
  };
}

/**
 * Loads stock metadata (`ticker,name,exchange,sector,...`, the shared vn-symbols.csv layout) so
 * alerts can name the company and market rules know the exchange.
 */
export async function importStockMetadata(db: Kysely<Database>, path: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | null = null;
  const stocks: {
    symbol: string;
    name: string | null;
    sector: string | null;
    exchange: "HOSE" | "HNX" | "UPCOM" | null;
  }[] = [];
  for await (const line of lines) {
    const fields = splitCsvLine(line);
    if (header === null) {
      header = fields.map((f) => f.trim().toLowerCase());
      if (!header.includes("ticker") && !header.includes("symbol")) {
        throw new BarFileError(`${path}:1: a stock list needs a ticker (or symbol) column`);
      }
      continue;
    }
    const get = (name: string) => {
      const index = header?.indexOf(name) ?? -1;
      const value = index < 0 ? undefined : fields[index]?.trim();
      return value === undefined || value === "" ? null : value;
    };
    const symbol = (get("ticker") ?? get("symbol"))?.toUpperCase();
    if (symbol === undefined || !/^[A-Z0-9]{1,12}$/.test(symbol)) continue;
    const exchange = get("exchange")?.toUpperCase();
    stocks.push({
      symbol,
      name: get("name"),
      sector: get("sector"),
      exchange: exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM" ? exchange : null,
    });
  }
  await upsertStocks(db, stocks);
  return stocks.length;
}
