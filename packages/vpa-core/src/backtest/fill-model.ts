import type { Exchange } from "../market/exchange.ts";
import { type PriceBandOptions, priceBand } from "../market/price-band.ts";
import { thousandVndToVnd } from "../market/price-unit.ts";
import { roundToTick, tickSize } from "../market/tick-size.ts";

/**
 * The fill model of the backtest (documented in backtest/README.md). Orders are market orders at
 * the open of the symbol's next bar: a decision is made at a close, so the earliest price it can
 * get is the next open (daily bars: the next session's opening auction; intraday bars: the next
 * bar of the session, or the next session's first bar after the session's last print; never a bar
 * in the lunch break or after the close, which the step skips). With `exitAtSessionEnd` a sale in
 * the closing auction fills at the close of the session's last bar, under the same band rules.
 *
 * - Prices come in thousand VND (the data unit) and leave in integer VND on a tick
 *   (`thousandVndToVnd`, then `roundToTick(..., "nearest")`): adjusted historical prices are not on
 *   ticks, and the market module works in VND.
 * - The day's band comes from the session's reference price: the symbol's close on its previous
 *   session (HOSE/HNX reference price). For daily bars that is the previous bar's close; for
 *   intraday bars it is the previous session's last close, the same for every bar of the session,
 *   never the previous intraday bar's (the caller passes it: `SessionMarket.bandReference`).
 *   UPCOM's reference is the previous session's volume-weighted average price: intraday bars
 *   estimate it (each bar at its typical price, weighted by its volume); a daily bar does not
 *   carry it, so there the close stands in.
 * - VN30 futures are banded at ±7 % (`bandOptions.basisPoints` from `market.priceBandBasisPointsOf`).
 * - A buy does not fill when the open is at (or above) the ceiling: a limit-up open has a queue of
 *   buyers and no sellers. A sell does not fill when the open is at (or below) the floor.
 * - Slippage: `slippageTicks` ticks worse than the open, never beyond the band.
 */

/** A price in thousand VND as a VND price on the nearest tick of its level. */
export function toTickPriceVnd(exchange: Exchange, priceThousandVnd: number): number {
  return roundToTick(exchange, thousandVndToVnd(priceThousandVnd), "nearest");
}

function band(exchange: Exchange, referenceThousandVnd: number, options: PriceBandOptions) {
  if (!(referenceThousandVnd > 0)) return null;
  const reference = toTickPriceVnd(exchange, referenceThousandVnd);
  return reference > 0 ? priceBand(exchange, reference, options) : null;
}

/**
 * Price in VND at which a buy at the open fills, or null when the open is at the ceiling.
 * `reference` is the session's reference price (thousand VND): the previous session's close; NaN
 * for a symbol's first session (no band is known: no limit check).
 *
 * @example
 * buyFillPriceVnd("HOSE", 107.0, 100.0, 0); // null: 100,000 → ceiling 107,000
 * buyFillPriceVnd("HOSE", 101.23, 100.0, 1); // 101,300: 101,230 → 101,200 on the tick, +1 tick of 100
 */
export function buyFillPriceVnd(
  exchange: Exchange,
  openThousandVnd: number,
  referenceThousandVnd: number,
  slippageTicks: number,
  bandOptions: PriceBandOptions = {},
): number | null {
  const limits = band(exchange, referenceThousandVnd, bandOptions);
  const open = toTickPriceVnd(exchange, openThousandVnd);
  if (limits !== null && open >= limits.ceiling) return null;
  let price = open;
  for (let k = 0; k < slippageTicks; k++) price += tickSize(exchange, price);
  return limits === null ? price : Math.min(price, limits.ceiling);
}

/**
 * Price in VND at which a sell at the open fills, or null when the open is at the floor.
 *
 * @example
 * sellFillPriceVnd("HOSE", 93.0, 100.0, 0); // null: floor 93,000
 * sellFillPriceVnd("HOSE", 45.0, 44.0, 2); // 44,900 (two ticks of 50 below 45,000)
 */
export function sellFillPriceVnd(
  exchange: Exchange,
  openThousandVnd: number,
  referenceThousandVnd: number,
  slippageTicks: number,
  bandOptions: PriceBandOptions = {},
): number | null {
  const limits = band(exchange, referenceThousandVnd, bandOptions);
  const open = toTickPriceVnd(exchange, openThousandVnd);
  if (limits !== null && open <= limits.floor) return null;
  let price = open;
  for (let k = 0; k < slippageTicks && price > 0; k++) price -= tickSize(exchange, price - 1);
  return limits === null ? Math.max(price, tickSize(exchange, 1)) : Math.max(price, limits.floor);
}
