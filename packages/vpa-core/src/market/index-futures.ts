import type { Exchange } from "./exchange.ts";
import { PRICE_BAND_BASIS_POINTS } from "./price-band.ts";

/**
 * VN30 index futures (derivatives market, vn-market.md §1): the rules in which they differ from
 * the stocks of the exchange they are stored under (the project stores them under HNX, whose tick
 * of 100 VND is their 0.1 index point once points are read as thousand VND).
 *
 * - Daily price band ±7 % of the reference price (the previous session's settlement price; the
 *   data's previous close stands in), whatever the exchange row says (HNX stocks: ±10 %).
 * - Settlement T+0: a position can be closed in the session it was opened.
 * - Sessions: `DERIVATIVES_SESSIONS` (ATO from 08:45), in vpa-core's provisional module.
 */

/** VN30F1M, VN30F2M, VN30F1Q, VN30F2Q and the contract codes (VN30F2406…). */
const INDEX_FUTURE_SYMBOL = /^VN30F[0-9A-Z]+$/;

/** The daily limit of VN30 futures, in basis points of the reference price: ±7 %. */
export const INDEX_FUTURE_PRICE_BAND_BASIS_POINTS = 700;

/** Trading days from opening a futures position until it can be closed: none (T+0). */
export const INDEX_FUTURE_SETTLEMENT_TRADING_DAYS = 0;

/**
 * Whether `symbol` is a VN30 index future.
 *
 * @example
 * isIndexFuture("VN30F1M"); // true
 * isIndexFuture("VCB");     // false
 */
export function isIndexFuture(symbol: string): boolean {
  return INDEX_FUTURE_SYMBOL.test(symbol);
}

/**
 * The normal daily band of `symbol`, in basis points of its reference price: ±7 % for VN30
 * futures, its exchange's otherwise ({@link PRICE_BAND_BASIS_POINTS}).
 *
 * @example
 * priceBandBasisPointsOf("VN30F1M", "HNX"); // 700
 * priceBandBasisPointsOf("SHS", "HNX");     // 1_000
 */
export function priceBandBasisPointsOf(symbol: string, exchange: Exchange): number {
  return isIndexFuture(symbol)
    ? INDEX_FUTURE_PRICE_BAND_BASIS_POINTS
    : PRICE_BAND_BASIS_POINTS[exchange].normal;
}

/**
 * Trading days from a buy of `symbol` until it can be sold: `stockSettlementDays` (T+2) for
 * stocks, 0 for VN30 futures (T+0).
 *
 * @example
 * settlementTradingDaysOf("VN30F1M", 2); // 0
 * settlementTradingDaysOf("VCB", 2);     // 2
 */
export function settlementTradingDaysOf(symbol: string, stockSettlementDays: number): number {
  return isIndexFuture(symbol) ? INDEX_FUTURE_SETTLEMENT_TRADING_DAYS : stockSettlementDays;
}
