import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  type Database,
  isDailyOrLonger,
  listActiveStocks,
  listStocksWithoutBars,
  markIndexSymbols,
  type Timeframe,
  upsertStocks,
} from "@vpa/db";
import { normalizeMarketSymbol, toAsciiUpperCase } from "@vpa/market-data";
import type { Kysely } from "kysely";
import { BarFileError } from "./bar-file-error.ts";
import { BAR_FILE_NAME, type BarFileFormat } from "./bar-file-format.ts";
import { BatchWriteQueue } from "./batch-write-queue.ts";
import { groupRowChunks } from "./group-row-chunks.ts";
import { type PriceUnit, priceDivisorToThousandVnd } from "./import-price-unit.ts";
import { isMarketIndexSymbol } from "./market-index-symbols.ts";
import { findPriceJumpDetail } from "./price-jump-rule.ts";
import type { RawBarRow } from "./raw-bar-row.ts";
import { readBarRowChunks } from "./read-bar-file.ts";
import { splitCsvLine } from "./split-csv-line.ts";
import { loadStoredNeighbourCloses } from "./stored-neighbour-closes.ts";
import { SymbolSeries } from "./symbol-series.ts";
import { checkBarRow, createCheckedBar, type FlagReason, type RejectionReason } from "./validate-bar-row.ts";
import { writeBarBatch } from "./write-bar-batch.ts";

export {
  BAR_FILE_FORMATS,
  type BarFileFormat,
  detectBarFileFormat,
  isBarFileFormat,
  MAX_JSON_DOCUMENT_BYTES,
} from "./bar-file-format.ts";
export { isPriceUnit, PRICE_UNITS, type PriceUnit } from "./import-price-unit.ts";
export { isMarketIndexSymbol, MARKET_INDEX_SYMBOLS } from "./market-index-symbols.ts";

/** A row that was not stored, and why. */
export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** A row that was stored but deserves a look (validate-bar-row.ts, FLAG_REASONS). */
export interface Flag {
  readonly file: string;
  readonly line: number;
  readonly reason: FlagReason;
  readonly detail: string;
}

export interface ImportSummary {
  readonly files: number;
  readonly rowsRead: number;
  /** Rows that passed every rule (flagged ones included): all of them are stored. */
  readonly barsAccepted: number;
  /** Bars inserted or changed; re-importing the same file writes 0. */
  readonly barsWritten: number;
  readonly symbols: number;
  /**
   * Symbols stored as indices (`stocks.is_index`: never scanned, traded or alerted): every symbol
   * with `asIndex`, else those named like an exchange index (market-index-symbols.ts).
   */
  readonly indices: readonly string[];
  readonly rejectedByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  /** The first `maxRejectionsKept` rejections in full (file, line, reason), in reading order. */
  readonly rejections: readonly Rejection[];
  readonly rejectedTotal: number;
  readonly flaggedByReason: Readonly<Partial<Record<FlagReason, number>>>;
  /** The first `maxFlagsKept` flags in full, in reading order. */
  readonly flags: readonly Flag[];
  readonly flaggedTotal: number;
}

export interface ImportOptions {
  /** Default 1D. Intraday rows need an intraday timeframe. */
  readonly timeframe?: Timeframe;
  /** Symbol for per-symbol files without a symbol column (else from the file name). */
  readonly symbol?: string;
  /** Today in Asia/Ho_Chi_Minh (YYYY-MM-DD): later dates are rejected. */
  readonly todayLocal: string;
  /** Layout of every file; default: by extension (bar-file-format.ts). */
  readonly format?: BarFileFormat;
  /** Unit of the files' prices; default `thousand` (thousand VND, the unit stored). */
  readonly priceUnit?: PriceUnit;
  /**
   * Every symbol of these files is an index (`vpa import --index`): its bars are index points,
   * stored as read, and it is never scanned, traded or alerted, only compared with. The exchanges'
   * index names (VN30, VNINDEX...: market-index-symbols.ts) are stored as indices without it.
   * Default false.
   */
  readonly asIndex?: boolean;
  /** Default 100,000. */
  readonly maxRejectionsKept?: number;
  /** Default 100,000. */
  readonly maxFlagsKept?: number;
  /** Accepted rows per write statement (all symbols mixed). Default {@link DEFAULT_BATCH_ROWS}. */
  readonly batchRows?: number;
  /** Batch writes running while the next batch is parsed. Default {@link DEFAULT_WRITE_CONCURRENCY}. */
  readonly writeConcurrency?: number;
  /** Called every 100,000 rows read. */
  readonly onProgress?: (rowsRead: number) => void;
}

/**
 * Rows per write. Large enough that a statement's fixed costs (round trip, planning, stock look-ups)
 * vanish, small enough that two batches (one being written, one being filled) stay a few MB.
 */
export const DEFAULT_BATCH_ROWS = 25_000;

/**
 * Two writes in flight: PostgreSQL spends ~6 µs a row inserting into market_data's primary key,
 * several times the parser's cost, so a second connection lets it use a second core while this
 * process parses (measured in bench/import: ~1.6x over one).
 */
export const DEFAULT_WRITE_CONCURRENCY = 2;

/** `path` may be a file, a `.gz` file, or a directory of them (`*.csv`, `*.jsonl`, `*.ndjson`, `*.json`, each also `.gz`; sorted by name). */
export async function listBarFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new BarFileError(
      `${path}: ${error.code === "ENOENT" ? "no such file or directory" : error.message}`,
    );
  });
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => BAR_FILE_NAME.test(name)).sort();
  if (names.length === 0)
    throw new BarFileError(
      `${path}: no .csv, .jsonl, .ndjson or .json files (or .gz of them) in the directory`,
    );
  return names.map((name) => join(path, name));
}

/**
 * Streams bar files into `market_data`: every row validated (validate-bar-row.ts), rejected rows
 * reported with file, line and reason, every valid row stored, re-importing idempotent.
 *
 * Rules beyond a single row:
 * - `price-jump` (rejected): the close, high or low is 100× or more away from the close of the
 *   stored bar at or before the row's time, or of the symbol's previous row stored by this import
 *   (price-jump-rule.ts). A file priced in VND over bars stored in thousand VND is thus refused row
 *   by row, nothing overwritten, and the detail names `--price-unit`.
 * - `duplicate-time` (rejected): a time already read for the symbol anywhere earlier in this import
 *   (another run of the symbol, another file). The first copy is stored; later ones are reported.
 * - `unsorted-time` (flagged, stored): a row older than the newest already read for its symbol.
 * - `possible-adjustment` (flagged, stored): the close differs from the previous bar's close by more
 *   than the normal daily band of the stock's exchange (HOSE 7%, HNX 10%, UPCOM 15%; the exchange
 *   from the stocks table, e.g. loaded with `vpa import --stocks`; unknown → the widest, 15%) plus
 *   0.1 point of rounding tolerance. Checked only for rows that extend a symbol's series in time,
 *   against the previous bar read in this import (the first bar of a symbol in an import is not
 *   checked against the database).
 *
 * Speed: rows are parsed a chunk at a time into column batches of all symbols mixed; each batch is
 * one write (write-bar-batch.ts) while the next one is parsed, with `writeConcurrency` writes in
 * flight (batch-write-queue.ts), so the parser and PostgreSQL work at the same time and memory
 * holds `writeConcurrency + 1` batches. Stocks with no bars yet are plain-inserted (cheaper than an
 * upsert), the others upserted. When some symbols already had bars in the timeframe, rows are read
 * in groups of `batchRows` and each group makes one query for the stored bars around its rows
 * (stored-neighbour-closes.ts); an import into an empty timeframe makes none.
 */
export async function importBars(
  db: Kysely<Database>,
  paths: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const keepRejections = options.maxRejectionsKept ?? 100_000;
  const keepFlags = options.maxFlagsKept ?? 100_000;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const priceUnit = options.priceUnit ?? "thousand";
  const priceDivisor = priceDivisorToThousandVnd(priceUnit);
  const timeframe: Timeframe = options.timeframe ?? "1D";
  const intradayTimeframe = !isDailyOrLonger(timeframe);
  const today = options.todayLocal;
  const rejectedByReason: Partial<Record<RejectionReason, number>> = {};
  const rejections: Rejection[] = [];
  const flaggedByReason: Partial<Record<FlagReason, number>> = {};
  const flags: Flag[] = [];
  let rowsRead = 0;
  let barsAccepted = 0;
  let rejectedTotal = 0;
  let flaggedTotal = 0;

  if (options.asIndex === true && priceUnit !== "thousand")
    throw new BarFileError("an index is in points: --price-unit does not apply to --index files");
  // Indices too: their stored bars are the neighbours of the price-jump rule like any symbol's.
  const known = new Map(
    (await listActiveStocks(db, undefined, { includeIndices: true })).map((stock) => [stock.symbol, stock]),
  );
  // An index is flagged before any of its bars is written: no scan can meet it unflagged.
  const indices = new Set<string>();
  const indicesToMark: SymbolSeries[] = [];
  // Only symbols with bars in the timeframe before this import can meet stored bars.
  const withoutBars = await listStocksWithoutBars(
    db,
    timeframe,
    [...known.values()].map((stock) => stock.id),
  );
  const stockIdsWithBars = new Map<string, number>();
  for (const stock of known.values())
    if (!withoutBars.has(stock.id)) stockIdsWithBars.set(stock.symbol, stock.id);
  const seriesBySymbol = new Map<string, SymbolSeries>();
  const seriesOf = (symbol: string): SymbolSeries => {
    let series = seriesBySymbol.get(symbol);
    if (series === undefined) {
      const stock = known.get(symbol);
      series = new SymbolSeries(symbol, stock?.id, stock?.exchange ?? null);
      seriesBySymbol.set(symbol, series);
      if (options.asIndex === true || isMarketIndexSymbol(symbol)) {
        indices.add(symbol);
        indicesToMark.push(series);
      }
    }
    return series;
  };
  const reject = (row: RawBarRow, reason: RejectionReason, detail: string) => {
    rejectedTotal++;
    rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
    if (rejections.length < keepRejections)
      rejections.push({ file: row.file, line: row.line, reason, detail });
  };
  const flag = (row: RawBarRow, reason: FlagReason, detail: string) => {
    flaggedTotal++;
    flaggedByReason[reason] = (flaggedByReason[reason] ?? 0) + 1;
    if (flags.length < keepFlags) flags.push({ file: row.file, line: row.line, reason, detail });
  };

  const queue = new BatchWriteQueue({
    write: (full) => writeBarBatch(db, timeframe, full),
    maxInFlight: options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY,
    batchRows,
  });
  let batch = queue.takeEmptyBatch();
  const submit = async (full: typeof batch) => {
    if (indicesToMark.length > 0) {
      const marking = indicesToMark.splice(0);
      const ids = await markIndexSymbols(
        db,
        marking.map((s) => s.symbol),
      );
      for (const s of marking) s.stockId = ids.get(s.symbol);
    }
    await queue.submit(full);
  };

  const checked = createCheckedBar();
  let series: SymbolSeries | null = null;
  try {
    for (const path of paths) {
      const reading = { symbol: options.symbol, format: options.format, intradayTimes: intradayTimeframe };
      const chunks = readBarRowChunks(path, reading);
      const groups = stockIdsWithBars.size === 0 ? chunks : groupRowChunks(chunks, batchRows);
      for await (const rows of groups) {
        const storedCloses =
          stockIdsWithBars.size === 0
            ? null
            : await loadStoredNeighbourCloses(db, timeframe, rows, stockIdsWithBars);
        for (const row of rows) {
          rowsRead++;
          if (options.onProgress !== undefined && rowsRead % 100_000 === 0) options.onProgress(rowsRead);
          const reason = checkBarRow(row, today, priceDivisor, checked);
          if (reason !== null) {
            reject(row, reason, checked.detail);
            continue;
          }
          if (checked.intraday && !intradayTimeframe) {
            throw new BarFileError(
              `${row.file}:${row.line}: intraday rows need an intraday --timeframe (1m, 5m, 15m, 30m or 1h)`,
            );
          }
          const symbol = checked.symbol;
          if (series?.symbol !== symbol) series = seriesOf(symbol);
          const jump = findPriceJumpDetail(series, checked, row, storedCloses?.get(symbol), priceUnit);
          if (jump !== null) {
            reject(row, "price-jump", jump);
            continue;
          }
          const previousClose = series.lastClose;
          switch (series.times.add(checked.key)) {
            case "duplicate":
              reject(row, "duplicate-time", `${symbol} ${row.date} already read`);
              continue;
            case "older":
              flag(row, "unsorted-time", `${symbol} ${row.date} is older than a bar read before`);
              break;
            case "newest":
              if (series.isBeyondBand(checked.close)) {
                const move = ((checked.close / previousClose - 1) * 100).toFixed(1);
                flag(
                  row,
                  "possible-adjustment",
                  `${symbol} ${row.date} close ${checked.close} vs previous ${previousClose}: ${move}% (band ±${(series.bandFraction * 100).toFixed(0)}%)`,
                );
              }
              series.lastClose = checked.close;
              break;
          }
          series.previousClose = checked.close;
          series.previousDate = row.date;
          series.previousFile = row.file;
          series.previousLine = row.line;
          batch.push(series, checked);
          barsAccepted++;
          if (batch.isFull) {
            await submit(batch);
            batch = queue.takeEmptyBatch();
          }
        }
      }
    }
    await submit(batch);
    await queue.drain();
  } catch (error) {
    // Never return (or throw) with a statement still running on the pool; the first error wins.
    await queue.drain().catch(() => {});
    throw error;
  }
  return {
    files: paths.length,
    rowsRead,
    barsAccepted,
    barsWritten: queue.written,
    symbols: [...seriesBySymbol.values()].filter((s) => s.lastClose > 0).length,
    indices: [...indices].sort(),
    rejectedByReason,
    rejections,
    rejectedTotal,
    flaggedByReason,
    flags,
    flaggedTotal,
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
    const ticker = get("ticker") ?? get("symbol");
    const symbol = ticker === null ? null : normalizeMarketSymbol(ticker);
    if (symbol === null) continue;
    const exchange = toAsciiUpperCase(get("exchange") ?? "");
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
