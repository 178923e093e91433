/** Sell tax: 0.1% of the sale value on every sale (vn-market.md §4). */
export const SELL_TAX_RATE = 0.001;

/** A common retail brokerage fee per side; brokers charge 0.10%–0.35%. */
export const DEFAULT_BROKERAGE_RATE = 0.0015;

export type TradeSide = "buy" | "sell";

export interface TradeCostInput {
  readonly side: TradeSide;
  /** Price per share in VND. */
  readonly priceVnd: number;
  /** Shares. */
  readonly quantity: number;
  /** Brokerage fee as a fraction of the trade value, per side. Default {@link DEFAULT_BROKERAGE_RATE} (0.15%). */
  readonly brokerageRate?: number;
}

export interface TradeCosts {
  /** price × quantity. */
  readonly value: number;
  /** The broker's and the exchange's fees. */
  readonly brokerage: number;
  /** Stocks: the 0.1% sell tax, 0 on a buy. VN30 futures: the income tax of either side (index-futures.ts). */
  readonly tax: number;
  /** brokerage + tax. */
  readonly totalCost: number;
  /** Cash that leaves (negative, a buy) or reaches (positive, a sale) the account. */
  readonly cashFlow: number;
}

/**
 * Costs of one trade of a stock in VND (`tradeCostsOf` in index-futures.ts picks the futures' rules
 * for a VN30 future). Amounts are exact (not rounded to whole VND): brokers round fees in
 * different ways, and the backtest should not invent one.
 *
 * @example
 * tradeCosts({ side: "sell", priceVnd: 100_000, quantity: 1_000 });
 * // { value: 100_000_000, brokerage: 150_000, tax: 100_000, totalCost: 250_000, cashFlow: 99_750_000 }
 */
export function tradeCosts(input: TradeCostInput): TradeCosts {
  const rate = input.brokerageRate ?? DEFAULT_BROKERAGE_RATE;
  if (!(rate >= 0)) throw new RangeError(`brokerageRate must be >= 0, got ${rate}`);
  const value = input.priceVnd * input.quantity;
  const brokerage = value * rate;
  const tax = input.side === "sell" ? value * SELL_TAX_RATE : 0;
  return costsOfTrade(input.side, value, brokerage, tax);
}

/** A trade's costs from its side, value, fees and tax: the totals and the cash that moves. */
export function costsOfTrade(side: TradeSide, value: number, brokerage: number, tax: number): TradeCosts {
  const totalCost = brokerage + tax;
  return {
    value,
    brokerage,
    tax,
    totalCost,
    cashFlow: side === "sell" ? value - totalCost : -(value + totalCost),
  };
}
