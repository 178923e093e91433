/**
 * The exchanges' index symbols (vn-market.md §6), as stored (1–12 of `A-Z 0-9`): the importer
 * stores a symbol of this list as an index (`stocks.is_index`), never as a stock, whether or not
 * `vpa import --index` says so. None of them is a listed stock's ticker (checked against the
 * shared vn-symbols.csv). Migration 0010 marked rows already stored under these names.
 */
export const MARKET_INDEX_SYMBOLS = [
  "VNINDEX",
  "VN30",
  "VN100",
  "VNALL",
  "VNMIDCAP",
  "VNSMALLCAP",
  "VNX50",
  "VNXALL",
  "HNXINDEX",
  "HNX30",
  "UPCOMINDEX",
] as const;

const INDEX_SYMBOLS: ReadonlySet<string> = new Set(MARKET_INDEX_SYMBOLS);

/** Whether `symbol` (normalised) is one of the exchanges' index symbols. */
export function isMarketIndexSymbol(symbol: string): boolean {
  return INDEX_SYMBOLS.has(symbol);
}
