import type { Exchange } from "./exchange.ts";
import { PRICE_BAND_BASIS_POINTS } from "./price-band.ts";
import { costsOfTrade, type TradeCostInput, type TradeCosts, tradeCosts } from "./trading-costs.ts";

/**
 * VN30 index futures (derivatives market, vn-market.md §1): the rules in which they differ from
 * the stocks of the exchange they are stored under (the project stores them under HNX, whose tick
 * of 100 VND is their 0.1 index point once points are read as thousand VND).
 *
 * - Daily price band ±7 % of the reference price (the previous session's settlement price; the
 *   data's previous close stands in), whatever the exchange row says (HNX stocks: ±10 %).
 * - Settlement T+0: a position can be closed in the session it was opened.
 * - Sessions: `DERIVATIVES_SESSIONS` (ATO from 08:45), in vpa-core's provisional module.
 * - Costs per contract, not per value ({@link tradeCostsOf}): fees of a fixed amount per contract
 *   and side, an income tax on both sides, and a fee per contract for each day a position is held
 *   overnight ({@link holdingFeeOf}). No 0.1% sell tax.
 * - Margin: a position deposits a share of its value with the broker and gains or loses the whole
 *   contract's move; the broker closes it by force when its margin usage reaches a level
 *   ({@link marginUsageOf}). A backtest trades on margin when its `futuresMargin` is set, else pays
 *   a contract's whole value (unleveraged: its returns are the index's moves).
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

/** VND per index point of one VN30 futures contract (the contract multiplier). */
export const INDEX_FUTURE_MULTIPLIER_VND = 100_000;

/**
 * Shares of the data's unit in one contract: a future's points are stored as thousand VND, so a
 * price of P thousand VND × 100 "shares" is P points × 100,000 VND, one contract; HNX's board lot of
 * 100 is then one contract.
 */
export const INDEX_FUTURE_SHARES_PER_CONTRACT = INDEX_FUTURE_MULTIPLIER_VND / 1_000;

/** A position as its traders quote it ({@link quotePosition}). */
export interface QuotedPosition {
  /** A VN30 future: the quantity in contracts, the price in index points. */
  readonly future: boolean;
  /** Shares, or contracts. */
  readonly quantity: number;
  /** VND a share, or index points. */
  readonly price: number;
}

/**
 * A position of `quantity` of the data's shares at `priceVnd` as its traders quote it: a stock's
 * shares at VND, a VN30 future's contracts ({@link INDEX_FUTURE_SHARES_PER_CONTRACT} shares each)
 * at index points (a point is 1,000 of the data's VND).
 *
 * @example
 * quotePosition("VN30F1M", 300, 1_250_300); // { future: true, quantity: 3, price: 1250.3 }
 * quotePosition("VCB", 1_000, 66_000);      // { future: false, quantity: 1000, price: 66000 }
 */
export function quotePosition(symbol: string, quantity: number, priceVnd: number): QuotedPosition {
  return isIndexFuture(symbol)
    ? { future: true, quantity: quantity / INDEX_FUTURE_SHARES_PER_CONTRACT, price: priceVnd / 1_000 }
    : { future: false, quantity, price: priceVnd };
}

/**
 * Fees per contract and side, VND: a broker's (HSC and VFS publish 4,000) and the exchange's (HNX:
 * 2,700). Brokers charge 1,000–5,000; the backtest's value-based `brokerageRate` does not apply.
 */
export const INDEX_FUTURE_FEES_PER_CONTRACT_VND = 4_000 + 2_700;

/** VSDC's position management fee: per contract held at the end of a trading day, VND. */
export const INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND = 2_550;

/**
 * VSDC's initial margin rate for index futures, the margin a position requires as a share of its
 * value (it also sets the taxed "transfer price"). HSC, SSI and FPTS publish 17 %.
 */
export const INDEX_FUTURE_INITIAL_MARGIN_RATE = 0.17;

/**
 * The highest margin usage at which brokers open a position (FPTS 80 %, SSI 75 %): the least a
 * position can deposit is the initial margin ÷ this, 21.25 % of its value (leverage 4.7×).
 */
export const INDEX_FUTURE_OPENING_USAGE_LIMIT = 0.8;

/** The least deposit of a new position, as a share of its value: 17 % ÷ 80 % = 21.25 %. */
export const INDEX_FUTURE_MIN_DEPOSIT_RATE =
  INDEX_FUTURE_INITIAL_MARGIN_RATE / INDEX_FUTURE_OPENING_USAGE_LIMIT;

/**
 * The margin usage at which brokers close a position by force (SSI and Vietcap 90 %; FPTS 100 %).
 * A backtest's default (`futuresForcedCloseUsage`).
 */
export const INDEX_FUTURE_FORCED_CLOSE_USAGE = 0.9;

/**
 * A long futures position's margin usage at `priceVnd`: the margin it requires there (the initial
 * margin rate on its value at that price) ÷ its margin assets (the deposit plus its profit or loss
 * since the entry). `Infinity` once the loss has taken the whole deposit. Quantities in the data's
 * shares (100 to a contract); the deposit, VND.
 *
 * @example
 * // 1 contract bought at 1,250 points with a deposit of 21.25 % (26,562,500 VND):
 * marginUsageOf(26_562_500, 1_250_000, 100, 1_250_000); // 0.8
 * marginUsageOf(26_562_500, 1_250_000, 100, 1_213_000); // 0.902: a 3 % fall, past the forced close
 */
export function marginUsageOf(
  depositVnd: number,
  entryPriceVnd: number,
  quantity: number,
  priceVnd: number,
): number {
  const assets = depositVnd + (priceVnd - entryPriceVnd) * quantity;
  if (!(assets > 0)) return Number.POSITIVE_INFINITY;
  return (INDEX_FUTURE_INITIAL_MARGIN_RATE * priceVnd * quantity) / assets;
}

/**
 * Personal income tax on each side of a futures trade: 0.1% of the transfer price, which is
 * (price × multiplier × contracts × initial margin rate) / 2: as a share of the trade's value.
 */
export const INDEX_FUTURE_TAX_RATE = (0.001 * INDEX_FUTURE_INITIAL_MARGIN_RATE) / 2;

/**
 * Costs of one trade, VND, by the rules of its instrument: a stock's ({@link tradeCosts}: brokerage
 * on the value, 0.1% tax on a sale), or a VN30 future's (fees per contract on either side, and the
 * income tax on either side). Quantities are in the data's shares: 100 to a contract.
 *
 * @example
 * // One VN30F1M contract at 1,250 points (stored as 1,250 thousand VND), bought:
 * tradeCostsOf("VN30F1M", { side: "buy", priceVnd: 1_250_000, quantity: 100 });
 * // { value: 125_000_000, brokerage: 6_700, tax: 10_625, totalCost: 17_325, cashFlow: -125_017_325 }
 */
export function tradeCostsOf(symbol: string, input: TradeCostInput): TradeCosts {
  if (!isIndexFuture(symbol)) return tradeCosts(input);
  const value = input.priceVnd * input.quantity;
  const brokerage = (input.quantity / INDEX_FUTURE_SHARES_PER_CONTRACT) * INDEX_FUTURE_FEES_PER_CONTRACT_VND;
  return costsOfTrade(input.side, value, brokerage, value * INDEX_FUTURE_TAX_RATE);
}

/**
 * Fees for holding a position over `tradingDaysHeld` day ends, VND: VSDC's position management fee
 * for a VN30 future, nothing for a stock.
 *
 * @example
 * holdingFeeOf("VN30F1M", 200, 3); // 15_300: 2 contracts, 3 nights
 * holdingFeeOf("VCB", 1_000, 3);   // 0
 */
export function holdingFeeOf(symbol: string, quantity: number, tradingDaysHeld: number): number {
  if (!isIndexFuture(symbol) || tradingDaysHeld <= 0) return 0;
  return (
    (quantity / INDEX_FUTURE_SHARES_PER_CONTRACT) *
    tradingDaysHeld *
    INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND
  );
}
