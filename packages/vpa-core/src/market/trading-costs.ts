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
  readonly brokerage: number;
  /** 0 on a buy. */
  readonly sellTax: number;
  /** brokerage + sellTax. */
  readonly totalCost: number;
  /** Cash that leaves (negative, a buy) or reaches (positive, a sale) the account. */
  readonly cashFlow: number;
}

/**
 * Costs of one trade in VND. Amounts are exact (not rounded to whole VND): brokers round fees in
 * different ways, and the backtest should not invent one.
 *
 * @example
 * tradeCosts({ side: "sell", priceVnd: 100_000, quantity: 1_000 });
 * // { value: 100_000_000, brokerage: 150_000, sellTax: 100_000, totalCost: 250_000, cashFlow: 99_750_000 }
 */
export function tradeCosts(input: TradeCostInput): TradeCosts {
  const rate = input.brokerageRate ?? DEFAULT_BROKERAGE_RATE;
  if (!(rate >= 0)) throw new RangeError(`brokerageRate must be >= 0, got ${rate}`);
  const value = input.priceVnd * input.quantity;
  const brokerage = value * rate;
  const sellTax = input.side === "sell" ? value * SELL_TAX_RATE : 0;
  const totalCost = brokerage + sellTax;
  return {
    value,
    brokerage,
    sellTax,
    totalCost,
    cashFlow: input.side === "sell" ? value - totalCost : -(value + totalCost),
  };
}
