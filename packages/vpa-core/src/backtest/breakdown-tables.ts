import type { BacktestTrade } from "./portfolio-simulation.ts";

/** One row of a per-symbol, per-signal-type or per-exit-reason table. */
export interface BreakdownRow {
  readonly key: string;
  readonly trades: number;
  readonly wins: number;
  /** wins / trades. */
  readonly winRate: number;
  /** Sum of netPnl, VND. */
  readonly netPnl: number;
  /** Mean netReturn. */
  readonly averageReturn: number;
  readonly averageHoldingDays: number;
}

/**
 * Groups trades by a key; rows sorted by netPnl, best first (ties by key).
 *
 * @example
 * breakdownBy(trades, (t) => t.exitReason); // [{ key: "take_profit", trades: 12, ... }, ...]
 */
export function breakdownBy(
  trades: readonly BacktestTrade[],
  keyOf: (trade: BacktestTrade) => string,
): BreakdownRow[] {
  const groups = new Map<
    string,
    { trades: number; wins: number; netPnl: number; returns: number; days: number }
  >();
  for (const trade of trades) {
    const key = keyOf(trade);
    let group = groups.get(key);
    if (group === undefined) {
      group = { trades: 0, wins: 0, netPnl: 0, returns: 0, days: 0 };
      groups.set(key, group);
    }
    group.trades++;
    if (trade.netPnl > 0) group.wins++;
    group.netPnl += trade.netPnl;
    group.returns += trade.netReturn;
    group.days += trade.holdingDays;
  }
  return [...groups]
    .map(([key, g]) => ({
      key,
      trades: g.trades,
      wins: g.wins,
      winRate: g.wins / g.trades,
      netPnl: g.netPnl,
      averageReturn: g.returns / g.trades,
      averageHoldingDays: g.days / g.trades,
    }))
    .sort((a, b) => b.netPnl - a.netPnl || (a.key < b.key ? -1 : 1));
}
