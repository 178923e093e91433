import { holdingFeeOf, isIndexFuture, tradeCostsOf } from "../market/index-futures.ts";
import { DEFAULT_BROKERAGE_RATE, tradeCosts } from "../market/trading-costs.ts";

/**
 * What one unit of value costs to buy and brings when sold, from the market's cost rules
 * (`market/trading-costs.ts`): brokerage on both sides and the 0.1% sell tax.
 * `buyFactor` = 1 + brokerage; `sellFactor` = 1 − brokerage − sell tax.
 *
 * A VN30 future's costs are not all proportional ({@link roundTripCostsOf}): its fees are a fixed
 * amount per contract and side (`fixedPerSide`) and per contract and night held (`perNight`), both
 * in price units (thousand VND) per unit of the data (a hundredth of a contract).
 */
export interface RoundTripCosts {
  readonly brokerageRate: number;
  readonly buyFactor: number;
  readonly sellFactor: number;
  readonly fixedPerSide?: number;
  readonly perNight?: number;
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
 * The round trip of `symbol` by its instrument's rules (`market/index-futures.ts`
 * `tradeCostsOf` and `holdingFeeOf`): a stock's {@link roundTripCosts}; a VN30 future's income
 * tax on both sides as factors, its fees per contract as `fixedPerSide` and `perNight`. Priced
 * as a stock, a future's round trip cost ~0.4 %, about fifteen times its ~0.03 %.
 *
 * @example
 * roundTripCostsOf("VCB");     // roundTripCosts()
 * roundTripCostsOf("VN30F1M"); // { buyFactor: 1.000085, sellFactor: 0.999915, fixedPerSide: 0.067, perNight: 0.0255, … }
 */
export function roundTripCostsOf(
  symbol: string,
  brokerageRate: number = DEFAULT_BROKERAGE_RATE,
): RoundTripCosts {
  if (!isIndexFuture(symbol)) return roundTripCosts(brokerageRate);
  // One unit at a price of 0 costs the fixed fees alone; at 1,000 VND (1 in price units) the
  // rest is the proportional part.
  const fixed = tradeCostsOf(symbol, { side: "buy", priceVnd: 0, quantity: 1 }).totalCost;
  const rate = (side: "buy" | "sell") =>
    (tradeCostsOf(symbol, { side, priceVnd: 1_000, quantity: 1 }).totalCost - fixed) / 1_000;
  return {
    brokerageRate,
    buyFactor: 1 + rate("buy"),
    sellFactor: 1 - rate("sell"),
    fixedPerSide: fixed / 1_000,
    perNight: holdingFeeOf(symbol, 1, 1) / 1_000,
  };
}

/**
 * The net return of buying at `entryPrice` and selling at `exitPrice` after costs, the position
 * held over `nightsHeld` trading days' ends:
 * `(exit × sellFactor − fixedPerSide − perNight × nights) / (entry × buyFactor + fixedPerSide) − 1`
 * (a stock's is `exit × sellFactor / (entry × buyFactor) − 1`). Always the long return, for bear
 * signals too.
 *
 * @example
 * netLongReturn(10, 11, roundTripCosts()); // 11 × 0.9975 / (10 × 1.0015) − 1 = 0.095606…
 */
export function netLongReturn(
  entryPrice: number,
  exitPrice: number,
  costs: RoundTripCosts,
  nightsHeld = 0,
): number {
  const fixed = costs.fixedPerSide ?? 0;
  const holding = (costs.perNight ?? 0) * nightsHeld;
  return (exitPrice * costs.sellFactor - fixed - holding) / (entryPrice * costs.buyFactor + fixed) - 1;
}

/**
 * Trading days' ends between the open of bar `entry` and the close of bar `exit` of a series
 * (times as in bar-time: a date, or a date and time): the days the position was held overnight.
 */
export function nightsBetween(times: readonly string[], entry: number, exit: number): number {
  let nights = 0;
  for (let i = entry + 1; i <= exit; i++) if (times[i]!.slice(0, 10) !== times[i - 1]!.slice(0, 10)) nights++;
  return nights;
}
