import type { StoredCloses } from "@vpa/db";
import { describePriceJump, findPriceJump } from "@vpa/market-data";
import type { PriceUnit } from "./import-price-unit.ts";
import type { RawBarRow } from "./raw-bar-row.ts";
import { indexAtOrBefore } from "./stored-neighbour-closes.ts";
import type { SymbolSeries } from "./symbol-series.ts";
import { barTimeText, type CheckedBar } from "./validate-bar-row.ts";

/**
 * The `price-jump` rule of the importer: why `bar` is 100× or more away from its neighbours
 * (PRICE_JUMP_FACTOR; close first, then high, then low), or null when it is not. The neighbours:
 *
 * 1. the stored bar at or before the bar's time (`stored`, from stored-neighbour-closes.ts): the
 *    same time first, so a file in VND cannot overwrite bars stored in thousand VND;
 * 2. the symbol's previous row stored by this import (SymbolSeries.previous*), so one bad row in
 *    a file is caught between good ones. A rejected row never becomes a neighbour.
 *
 * The first row of a symbol that has no stored bars has no neighbour: if it is the bad one, the
 * rows after it are reported against it (the report shows which row they were compared with).
 */
export function findPriceJumpDetail(
  series: SymbolSeries,
  bar: CheckedBar,
  row: RawBarRow,
  stored: StoredCloses | undefined,
  priceUnit: PriceUnit,
): string | null {
  if (stored !== undefined) {
    const index = indexAtOrBefore(stored.times, bar.key);
    if (index >= 0) {
      const close = stored.closes[index] as number;
      const field = findPriceJump(bar, close);
      if (field !== null) {
        const on = barTimeText(stored.times[index] as number, bar.intraday);
        return `${field} ${bar[field]} is ${describePriceJump(bar[field], close)} stored close ${close} of ${series.symbol} on ${on}: ${unitHint(bar[field] > close, priceUnit)}`;
      }
    }
  }
  if (series.previousClose > 0) {
    const close = series.previousClose;
    const field = findPriceJump(bar, close);
    if (field !== null) {
      const where =
        series.previousFile === row.file
          ? `line ${series.previousLine}`
          : `${series.previousFile}:${series.previousLine}`;
      return `${field} ${bar[field]} is ${describePriceJump(bar[field], close)} close ${close} of the previous ${series.symbol} row (${series.previousDate}, ${where}): ${unitHint(bar[field] > close, priceUnit)}`;
    }
  }
  return null;
}

/** What to do about it: 1000× higher in a thousand-VND import is the VND mistake, and vice versa. */
function unitHint(higher: boolean, unit: PriceUnit): string {
  if (higher && unit === "thousand") return "the file may be priced in VND; import it with --price-unit vnd";
  if (!higher && unit === "vnd")
    return "the file may be priced in thousand VND; import it without --price-unit vnd";
  const read = unit === "vnd" ? "VND" : "thousand VND";
  return `a wrong price or a price-unit mix-up (the file is read as ${read}; see --price-unit)`;
}
