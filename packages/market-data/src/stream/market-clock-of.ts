import type { market } from "@vpa/core";

/**
 * Holiday calendar and session tables for a stream: one for every symbol, or per symbol (VN30
 * futures stream under HNX yet trade the derivatives' hours, ATO from 08:45:
 * vpa-core's `DERIVATIVES_SESSIONS`). `undefined` from the function: the default tables.
 */
export type MarketClockOf =
  | market.MarketClockOptions
  | ((symbol: string) => market.MarketClockOptions | undefined);

/** The clock options of `symbol`. */
export function marketClockFor(
  clock: MarketClockOf | undefined,
  symbol: string,
): market.MarketClockOptions | undefined {
  return typeof clock === "function" ? clock(symbol) : clock;
}
