import { market } from "@vpa/core";
import type { BarWriteMode } from "@vpa/db";
import { SeenBarTimes } from "./seen-bar-times.ts";

type Exchange = keyof typeof market.PRICE_BAND_BASIS_POINTS;

/**
 * Tolerance on top of the band before a move is flagged: adjusted prices carry 4 decimals (0.1 VND),
 * and an adjusted limit-up day can land a hair above the band after rounding.
 */
export const BAND_TOLERANCE = 0.001;

/**
 * The normal daily band (fraction of the reference) of an exchange, from vpa-core's market rules;
 * a stock whose exchange is unknown gets the widest (UPCOM 15%), so only moves no exchange allows
 * on a normal day are flagged.
 */
export function normalBandFraction(exchange: string | null): number {
  const bands = market.PRICE_BAND_BASIS_POINTS;
  if (exchange !== null && exchange in bands) return bands[exchange as Exchange].normal / 10_000;
  let widest = 0;
  for (const band of Object.values(bands)) widest = Math.max(widest, band.normal);
  return widest / 10_000;
}

/** What the importer knows about one symbol while it imports (import-bars.ts). */
export class SymbolSeries {
  readonly symbol: string;
  /** Known once the first batch with this symbol has been written. */
  stockId: number | undefined;
  /**
   * `insert` when the stock had no bar in the timeframe as this import first wrote it: the importer
   * then owns its rows and, having removed duplicates itself, may plain-insert them. `upsert`
   * otherwise; `unknown` until the first batch with the symbol is written (write-bar-batch.ts).
   */
  writeMode: "unknown" | BarWriteMode = "unknown";
  readonly bandFraction: number;
  readonly times = new SeenBarTimes();
  /** Close of the newest bar read (thousand VND); 0 before the first. */
  lastClose = 0;
  /**
   * The symbol's previous row stored by this import, in reading order (not time order): the
   * neighbour of the price-jump rule within the file. `previousClose` is 0 before the first.
   */
  previousClose = 0;
  previousDate = "";
  previousFile = "";
  previousLine = 0;

  constructor(symbol: string, stockId: number | undefined, exchange: string | null) {
    this.symbol = symbol;
    this.stockId = stockId;
    this.bandFraction = normalBandFraction(exchange);
  }

  /** Whether a close this far from the previous close exceeds the band (a possible adjustment). */
  isBeyondBand(close: number): boolean {
    return this.lastClose > 0 && Math.abs(close / this.lastClose - 1) > this.bandFraction + BAND_TOLERANCE;
  }
}
