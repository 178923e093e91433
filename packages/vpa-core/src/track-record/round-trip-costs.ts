import { DEFAULT_BROKERAGE_RATE, tradeCosts } from "../market/trading-costs.ts";

/**
 * What one unit of value costs to buy and brings when sold, from the market's cost rules
 * (`market/trading-costs.ts`): brokerage on both sides and the 0.1% sell tax.
 * `buyFactor` = 1 + brokerage; `sellFactor` = 1 − brokerage − sell tax.
 */
export interface RoundTripCosts {
  readonly brokerageRate: number;
  readonly buyFactor: number;
  readonly sellFactor: number;
}

/**
 * The cost factors of a round trip at `brokerageRate` per side. Costs are proportional to the
 * trade's value, so a price ratio is all a net return needs (no lots, no currency unit).
 *
 * @example
 * roundTripCosts(); // { brokerageRate: 0.0015, buyFactor: 1.0015, sellFactor: 0.9975 }
 * @throws RangeError for a negative rate (from tradeCosts).
 */
export function roundTripCosts(brokerageRate: number = DEFAULT_BROKERAGE_RATE): RoundTripCosts {
  const buy = tradeCosts({ side: "buy", priceVnd: 1, quantity: 1, brokerageRate });
  const sell = tradeCosts({ side: "sell", priceVnd: 1, quantity: 1, brokerageRate });
  return { brokerageRate, buyFactor: -buy.cashFlow, sellFactor: sell.cashFlow };
}

/**
 * The net return of buying at `entryPrice` and selling at `exitPrice`, after costs:
 * `exit × sellFactor / (entry × buyFactor) − 1`. Always the long return, for bear signals too.
 *
 * @example
 * netLongReturn(10, 11, roundTripCosts()); // 11 × 0.9975 / (10 × 1.0015) − 1 = 0.095606…
 */
export function netLongReturn(entryPrice: number, exitPrice: number, costs: RoundTripCosts): number {
  return (exitPrice * costs.sellFactor) / (entryPrice * costs.buyFactor) - 1;
}
