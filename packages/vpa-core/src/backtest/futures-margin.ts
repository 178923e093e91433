import { BOARD_LOT_SIZE } from "../market/board-lot.ts";
import {
  INDEX_FUTURE_FEES_PER_CONTRACT_VND,
  INDEX_FUTURE_SHARES_PER_CONTRACT,
  INDEX_FUTURE_TAX_RATE,
  isIndexFuture,
  marginUsageOf,
} from "../market/index-futures.ts";
import type { BacktestConfig } from "./backtest-config.ts";

/**
 * VN30 futures on margin in the portfolio step (`BacktestConfig.futuresMargin`, docs/vn-market.md
 * §4): every rule that differs from paying a position's whole value, in one place. A position on
 * margin carries its deposit (`margin`, VND); one without it was paid in full.
 */

/** The part of a position these rules read. Prices VND a share (100 shares to a contract). */
export interface MarginedPosition {
  readonly entryPrice: number;
  readonly quantity: number;
  /** The deposit, VND; absent: the whole value was paid. */
  readonly margin?: number;
}

/**
 * The deposit a buy of `quantity` of `symbol` at `priceVnd` ties up, VND: `futuresMargin` of its
 * value for a VN30 future when the run trades on margin, else undefined (the whole value is paid).
 */
export function marginDepositVnd(
  symbol: string,
  priceVnd: number,
  quantity: number,
  config: Pick<BacktestConfig, "futuresMargin">,
): number | undefined {
  return config.futuresMargin !== null && isIndexFuture(symbol)
    ? priceVnd * quantity * config.futuresMargin
    : undefined;
}

/**
 * VND a buy of `symbol` at `priceVnd` takes from cash per share, costs included, for sizing: a
 * stock's (or an unmargined future's) price plus brokerage; a future on margin's deposit plus its
 * fees and tax.
 */
export function outlayPerShareVnd(
  symbol: string,
  priceVnd: number,
  config: Pick<BacktestConfig, "futuresMargin" | "brokerageRate">,
): number {
  if (config.futuresMargin === null || !isIndexFuture(symbol)) return priceVnd * (1 + config.brokerageRate);
  const feePerShare = INDEX_FUTURE_FEES_PER_CONTRACT_VND / INDEX_FUTURE_SHARES_PER_CONTRACT;
  return priceVnd * (config.futuresMargin + INDEX_FUTURE_TAX_RATE) + feePerShare;
}

/**
 * VND the smallest order of `symbol` at `priceVnd` takes from cash, costs included: a board lot of
 * 100 shares, one contract of a VN30 future (its whole value, or on margin its deposit). A
 * position's share of the equity below it can never buy the symbol.
 */
export function oneLotOutlayVnd(
  symbol: string,
  priceVnd: number,
  config: Pick<BacktestConfig, "futuresMargin" | "brokerageRate">,
): number {
  return BOARD_LOT_SIZE * outlayPerShareVnd(symbol, priceVnd, config);
}

/** The part of a position's value never paid (on margin: the value less the deposit), VND. */
export function unpaidValueVnd(position: MarginedPosition): number {
  return position.margin === undefined ? 0 : position.entryPrice * position.quantity - position.margin;
}

/**
 * What a position is worth in the account at a price (VND a share): its market value, or on
 * margin its deposit plus its profit or loss since the entry.
 */
export function positionValueVnd(position: MarginedPosition, priceVnd: number): number {
  return position.quantity * priceVnd - unpaidValueVnd(position);
}

/** The money put into a position, VND: its whole value, or on margin its deposit (costs aside). */
export function capitalPutInVnd(position: MarginedPosition): number {
  return position.margin ?? position.entryPrice * position.quantity;
}

/** Whether the broker closes a position on margin by force at a close of `closeVnd`. */
export function isForcedClose(
  position: MarginedPosition,
  closeVnd: number,
  config: Pick<BacktestConfig, "futuresForcedCloseUsage">,
): boolean {
  return (
    position.margin !== undefined &&
    marginUsageOf(position.margin, position.entryPrice, position.quantity, closeVnd) >=
      config.futuresForcedCloseUsage
  );
}
