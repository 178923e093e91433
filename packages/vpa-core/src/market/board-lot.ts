import type { Exchange } from "./exchange.ts";

/** Board lot on every exchange (vn-market.md §3); 1–99 shares trade separately as odd lots. */
export const BOARD_LOT_SIZE = 100;

/** Largest order HOSE accepts, in shares. HNX and UPCOM publish no limit here. */
export const HOSE_MAX_ORDER_SHARES = 500_000;

/**
 * Largest quantity of a board-lot order: `quantity` rounded down to a multiple of 100.
 *
 * @example
 * roundDownToBoardLot(1_250); // 1_200
 */
export function roundDownToBoardLot(quantity: number): number {
  return Math.floor(quantity / BOARD_LOT_SIZE) * BOARD_LOT_SIZE;
}

/**
 * Splits a quantity into the board-lot part and the odd-lot remainder.
 *
 * @example
 * splitBoardLot(1_250); // { boardLotShares: 1_200, oddLotShares: 50 }
 */
export function splitBoardLot(quantity: number): {
  readonly boardLotShares: number;
  readonly oddLotShares: number;
} {
  const boardLotShares = roundDownToBoardLot(quantity);
  return { boardLotShares, oddLotShares: quantity - boardLotShares };
}

/**
 * Maximum shares in one order on `exchange`, or `null` where none applies.
 *
 * @example
 * maxOrderShares("HOSE"); // 500_000
 */
export function maxOrderShares(exchange: Exchange): number | null {
  return exchange === "HOSE" ? HOSE_MAX_ORDER_SHARES : null;
}
