import { maxOrderShares, roundDownToBoardLot } from "../market/board-lot.ts";
import type { HolidayCalendar } from "../market/holiday-calendar.ts";
import { addTradingDays } from "../market/settlement.ts";
import { tradeCosts } from "../market/trading-costs.ts";
import type { SignalType } from "../signal-type.ts";
import type { BacktestConfig, ExitReason } from "./backtest-config.ts";
import type { BacktestUniverse, UniverseSymbol } from "./backtest-universe.ts";
import type { EntryCandidate } from "./entry-candidates.ts";
import { buyFillPriceVnd, sellFillPriceVnd, toTickPriceVnd } from "./fill-model.ts";

/**
 * One round trip. Prices and money in VND (integer prices on a tick; fees exact, not rounded).
 * `holdingDays` counts sessions of the run's calendar from the entry day to the exit day.
 */
export interface BacktestTrade {
  readonly symbol: string;
  readonly signalType: SignalType;
  /** The bar whose close decided the entry: the signal's bar, or its confirmation's. */
  readonly signalTime: string;
  readonly signalScore: number;
  readonly entryTime: string;
  readonly entryPrice: number;
  readonly quantity: number;
  readonly exitTime: string;
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  readonly holdingDays: number;
  /** (exitPrice − entryPrice) × quantity. */
  readonly grossPnl: number;
  /** Brokerage of both sides. */
  readonly fees: number;
  /** Sell tax (0.1% of the sale). */
  readonly tax: number;
  /** grossPnl − fees − tax: what the trade added to the account. */
  readonly netPnl: number;
  /** netPnl / (entry value + entry brokerage): the return on the cash the trade used. */
  readonly netReturn: number;
}

/** Values at each session's close, VND. */
export interface SimulatedCurve {
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  /** Market value of the open positions (closes, no costs). */
  readonly invested: Float64Array;
  /** Open positions at the close. */
  readonly positions: Int32Array;
}

/** What happened to orders that did not become trades. */
export interface SimulationCounters {
  readonly entrySignals: number;
  readonly entriesFilled: number;
  readonly entriesSkippedMaxPositions: number;
  readonly entriesSkippedAlreadyHeld: number;
  readonly entriesSkippedNoNextBar: number;
  readonly entriesSkippedCeiling: number;
  readonly entriesSkippedCash: number;
  /** Sell orders that waited a session because the open was at the floor. */
  readonly exitsDelayedFloor: number;
  /** Sell orders that waited for T+2. */
  readonly exitsDelayedSettlement: number;
}

export interface Simulation {
  readonly trades: BacktestTrade[];
  readonly curve: SimulatedCurve;
  readonly counters: SimulationCounters;
}

interface Position {
  readonly symbol: UniverseSymbol;
  readonly candidate: EntryCandidate;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly entryFee: number;
  readonly entryDay: number;
  readonly sellableDay: number;
  /** Cursor: the symbol's newest bar at or before the current session. */
  bar: number;
  peakCloseVnd: number;
  exitReason: ExitReason | null;
}

interface PendingEntry {
  readonly candidate: EntryCandidate;
  readonly fillBar: number;
}

/** First index of `days` at or after `date` (binary search), `days.length` when none. */
function firstDayAtOrAfter(days: readonly string[], date: string): number {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (days[mid]! < date) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The walk of a shared-cash portfolio over every symbol in time order (the universe's calendar
 * merges all symbols' dates). Each session, in this order:
 *
 * 1. sell orders fill at the open (a stop decided yesterday), then buy orders in signal priority;
 * 2. positions are valued at the close (a symbol without a bar today keeps its last close);
 * 3. exit rules read today's close → a sell order for the symbol's next bar;
 * 4. entry candidates of today's close → buy orders for the symbol's next bar.
 *
 * Nothing in step 3 or 4 can see beyond today's bar, and nothing fills before the next open: no
 * look-ahead by construction. The loop allocates only when an order, position or trade is made.
 */
export function simulatePortfolio(
  universe: BacktestUniverse,
  config: BacktestConfig,
  candidates: readonly EntryCandidate[],
  bearSignalAt: readonly Uint8Array[],
  calendar: HolidayCalendar,
): Simulation {
  const days = universe.days;
  const dayCount = days.length;
  const equity = new Float64Array(dayCount);
  const cashCurve = new Float64Array(dayCount);
  const investedCurve = new Float64Array(dayCount);
  const positionCurve = new Int32Array(dayCount);
  const trades: BacktestTrade[] = [];
  const held = new Uint8Array(universe.symbols.length);
  const pendingFor = new Uint8Array(universe.symbols.length);
  let positions: Position[] = [];
  let pending: PendingEntry[] = [];
  let cash = config.initialCapital;
  let lastEquity = cash;
  let next = 0;
  const counters = {
    entrySignals: candidates.length,
    entriesFilled: 0,
    entriesSkippedMaxPositions: 0,
    entriesSkippedAlreadyHeld: 0,
    entriesSkippedNoNextBar: 0,
    entriesSkippedCeiling: 0,
    entriesSkippedCash: 0,
    exitsDelayedFloor: 0,
    exitsDelayedSettlement: 0,
  };
  const rate = config.brokerageRate;

  const sellableMemo = new Int32Array(dayCount).fill(-1);
  const sellableDay = (day: number): number => {
    if (sellableMemo[day]! < 0) sellableMemo[day] = computeSellableDay(day);
    return sellableMemo[day]!;
  };
  const computeSellableDay = (day: number): number => {
    const date = days[day]!;
    const byCount = day + config.settlementDays;
    if (!calendar.isTradingDay(date)) return byCount;
    // The calendar knows holidays the data may not show (a one-symbol run); the data knows the
    // sessions a calendar without that year's holidays would miss. The later of the two is T+2.
    return Math.max(byCount, firstDayAtOrAfter(days, addTradingDays(date, config.settlementDays, calendar)));
  };

  const closeTrade = (position: Position, exitBar: number, exitPrice: number, reason: ExitReason) => {
    const symbol = position.symbol;
    const sale = tradeCosts({
      side: "sell",
      priceVnd: exitPrice,
      quantity: position.quantity,
      brokerageRate: rate,
    });
    cash += sale.cashFlow;
    const exitDay = symbol.dayOf[exitBar]!;
    const grossPnl = (exitPrice - position.entryPrice) * position.quantity;
    const fees = position.entryFee + sale.brokerage;
    const netPnl = grossPnl - fees - sale.sellTax;
    trades.push({
      symbol: symbol.symbol,
      signalType: position.candidate.type,
      signalTime: position.candidate.time,
      signalScore: position.candidate.score,
      entryTime: days[position.entryDay]!,
      entryPrice: position.entryPrice,
      quantity: position.quantity,
      exitTime: days[exitDay]!,
      exitPrice,
      exitReason: reason,
      holdingDays: exitDay - position.entryDay,
      grossPnl,
      fees,
      tax: sale.sellTax,
      netPnl,
      netReturn: netPnl / (position.entryPrice * position.quantity + position.entryFee),
    });
    held[symbol.index] = 0;
  };

  for (let day = 0; day < dayCount; day++) {
    // 1a. Sells at the open.
    let closedAny = false;
    for (const position of positions) {
      if (position.exitReason === null) continue;
      const symbol = position.symbol;
      const bar = position.bar + 1;
      if (bar >= symbol.endBar || symbol.dayOf[bar] !== day) continue;
      if (day < position.sellableDay) {
        counters.exitsDelayedSettlement++;
        continue;
      }
      const price = sellFillPriceVnd(
        symbol.exchange,
        symbol.columns.open[bar]!,
        symbol.columns.close[bar - 1]!,
        config.slippageTicks,
      );
      if (price === null) {
        counters.exitsDelayedFloor++;
        continue;
      }
      closeTrade(position, bar, price, position.exitReason);
      position.bar = -1;
      closedAny = true;
    }
    if (closedAny) positions = positions.filter((p) => p.bar !== -1);

    // 1b. Buys at the open, in the order the candidates were ranked.
    if (pending.length > 0) {
      const waiting: PendingEntry[] = [];
      for (const order of pending) {
        const symbol = universe.symbols[order.candidate.symbolIndex]!;
        if (symbol.dayOf[order.fillBar] !== day) {
          waiting.push(order);
          continue;
        }
        pendingFor[symbol.index] = 0;
        const price = buyFillPriceVnd(
          symbol.exchange,
          symbol.columns.open[order.fillBar]!,
          symbol.columns.close[order.fillBar - 1]!,
          config.slippageTicks,
        );
        if (price === null) {
          counters.entriesSkippedCeiling++;
          continue;
        }
        const budget = Math.min(config.positionFraction * lastEquity, cash);
        let quantity = roundDownToBoardLot(budget / (price * (1 + rate)));
        quantity = Math.min(quantity, maxOrderShares(symbol.exchange) ?? quantity);
        if (quantity <= 0) {
          counters.entriesSkippedCash++;
          continue;
        }
        const purchase = tradeCosts({ side: "buy", priceVnd: price, quantity, brokerageRate: rate });
        cash += purchase.cashFlow;
        counters.entriesFilled++;
        held[symbol.index] = 1;
        positions.push({
          symbol,
          candidate: order.candidate,
          quantity,
          entryPrice: price,
          entryFee: purchase.brokerage,
          entryDay: day,
          sellableDay: sellableDay(day),
          bar: order.fillBar,
          peakCloseVnd: 0,
          exitReason: null,
        });
      }
      pending = waiting;
    }

    // 2. Valuation at the close.
    let invested = 0;
    for (const position of positions) {
      const symbol = position.symbol;
      while (position.bar + 1 < symbol.endBar && symbol.dayOf[position.bar + 1]! <= day) position.bar++;
      invested += position.quantity * symbol.columns.close[position.bar]! * 1000;
    }
    lastEquity = cash + invested;
    equity[day] = lastEquity;
    cashCurve[day] = cash;
    investedCurve[day] = invested;
    positionCurve[day] = positions.length;

    // 3. Exit rules on today's close.
    for (const position of positions) {
      const symbol = position.symbol;
      const bar = position.bar;
      if (position.exitReason !== null || symbol.dayOf[bar] !== day) continue;
      const close = symbol.columns.close[bar]! * 1000;
      if (close > position.peakCloseVnd) position.peakCloseVnd = close;
      const entry = position.entryPrice;
      let reason: ExitReason | null = null;
      if (config.stopLoss !== null && close <= entry * (1 - config.stopLoss)) reason = "stop_loss";
      else if (config.trailingStop !== null && close <= position.peakCloseVnd * (1 - config.trailingStop))
        reason = "trailing_stop";
      else if (config.takeProfit !== null && close >= entry * (1 + config.takeProfit)) reason = "take_profit";
      else if (config.exitOnBearSignal && bearSignalAt[symbol.index]![bar] === 1) reason = "bear_signal";
      else if (config.maxHoldDays !== null && day - position.entryDay >= config.maxHoldDays)
        reason = "max_hold";
      position.exitReason = reason;
    }

    // 4. Entry candidates of today's close → orders for each symbol's next bar.
    while (next < candidates.length && candidates[next]!.day === day) {
      const candidate = candidates[next++]!;
      const symbol = universe.symbols[candidate.symbolIndex]!;
      if (held[symbol.index] === 1 || pendingFor[symbol.index] === 1) {
        counters.entriesSkippedAlreadyHeld++;
      } else if (candidate.bar + 1 >= symbol.endBar) {
        counters.entriesSkippedNoNextBar++;
      } else if (positions.length + pending.length >= config.maxPositions) {
        counters.entriesSkippedMaxPositions++;
      } else {
        pending.push({ candidate, fillBar: candidate.bar + 1 });
        pendingFor[symbol.index] = 1;
      }
    }
  }

  // The end: whatever is still open is sold at its last close, costs included, so that the trade
  // list adds up to the final equity (the last point of the curve is that cash).
  if (dayCount > 0 && positions.length > 0) {
    for (const position of positions) {
      const symbol = position.symbol;
      const price = toTickPriceVnd(symbol.exchange, symbol.columns.close[position.bar]!);
      closeTrade(position, position.bar, price, "end_of_period");
    }
    equity[dayCount - 1] = cash;
    cashCurve[dayCount - 1] = cash;
    investedCurve[dayCount - 1] = 0;
    positionCurve[dayCount - 1] = 0;
  }
  return {
    trades,
    curve: { equity, cash: cashCurve, invested: investedCurve, positions: positionCurve },
    counters,
  };
}
