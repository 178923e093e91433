import { maxOrderShares, roundDownToBoardLot } from "../market/board-lot.ts";
import type { Exchange } from "../market/exchange.ts";
import type { HolidayCalendar } from "../market/holiday-calendar.ts";
import {
  holdingFeeOf,
  priceBandBasisPointsOf,
  settlementTradingDaysOf,
  tradeCostsOf,
} from "../market/index-futures.ts";
import { addTradingDays } from "../market/settlement.ts";

import type { SignalType } from "../signal-type.ts";
import type { BacktestConfig, ExitReason } from "./backtest-config.ts";
import { buyFillPriceVnd, sellFillPriceVnd, toTickPriceVnd } from "./fill-model.ts";
import {
  capitalPutInVnd,
  isForcedClose,
  marginDepositVnd,
  oneLotOutlayVnd,
  outlayPerShareVnd,
  positionValueVnd,
  unpaidValueVnd,
} from "./futures-margin.ts";

/**
 * One session of a shared-cash, long-only portfolio under the backtest's rules, from a plain
 * state (JSON-safe: numbers, strings, null). The backtest runs {@link stepPortfolio} in a loop
 * over its calendar; a paper portfolio runs it once per close from its stored state. Same code,
 * same floating-point operations in the same order: a replay equals the backtest trade for trade.
 *
 * Glossary. A **step** is one bar time of the run's calendar: a session for daily bars, a bar for
 * intraday ones (`PortfolioState.session` counts steps). A **trading day** is a session of the
 * calendar: every step of one date (`PortfolioState.tradingDay` counts them). Holds, `maxHoldDays`
 * and T+2 are counted in trading days, so daily and intraday runs of the same sessions agree;
 * for daily bars both counters are equal, which keeps states stored before the trading-day
 * counter existed valid.
 */

/** An open position. Prices in VND except `lastClose` (thousand VND, the data unit). */
export interface PortfolioPosition {
  symbol: string;
  exchange: Exchange;
  signalType: SignalType;
  signalTime: string;
  signalScore: number;
  entryTime: string;
  /** Trading-day counter of the entry (see {@link PortfolioState.tradingDay}). */
  entrySession: number;
  entryPrice: number;
  quantity: number;
  /** Fees paid at the entry (brokerage; a future's per-contract fees), VND. */
  entryFee: number;
  /** Tax paid at the entry (a VN30 future's income tax; stocks pay none on a buy). Absent in older states: 0. */
  entryTax?: number;
  /**
   * A VN30 future bought on margin (`BacktestConfig.futuresMargin`): the deposit it ties up, VND;
   * its value in the account is the deposit plus its profit or loss. Absent: the whole value was paid.
   */
  margin?: number;
  /** T+2: sellable from this trading-day counter on (the entry's for T+0: VN30 futures) … */
  sellableSession: number;
  /** … and from this date on (the holiday calendar's T+2), null when the calendar has no say. */
  sellableOn: string | null;
  /** Newest close of the symbol (thousand VND), its bar time, step counter and trading-day counter. */
  lastClose: number;
  lastCloseTime: string;
  lastCloseSession: number;
  /** Absent in states stored before it existed (daily: equal to `lastCloseSession`). */
  lastCloseDay?: number;
  peakCloseVnd: number;
  /** Set on a close: a sell order for the symbol's next bar (it stays until it fills). */
  exitReason: ExitReason | null;
}

/** A buy order for the symbol's next bar, decided on a close. */
export interface PortfolioOrder {
  symbol: string;
  exchange: Exchange;
  signalType: SignalType;
  signalTime: string;
  signalScore: number;
  /**
   * The close of the deciding bar (thousand VND). Kept for stored states; the band at the fill is
   * the session's reference ({@link SessionMarket.bandReference}), which for daily bars is this.
   */
  referenceClose: number;
}

export interface PortfolioState {
  /** Counter of the next step (bar times of the run's calendar; sessions for daily bars). */
  session: number;
  /** Bar time of the last step, null before the first. */
  lastSession: string | null;
  /**
   * Trading-day counter of the last step (its date's index among the calendar's dates), absent
   * before the first step and in states stored before it existed (daily: `session - 1`).
   */
  tradingDay?: number;
  cash: number;
  /**
   * Value of the positions in the account at the last close (closes, no costs): a stock's market
   * value; a future on margin's deposit plus its profit or loss ({@link positionValueVnd}).
   */
  invested: number;
  /** cash + invested at the last close: the sizing base of the next open. */
  lastEquity: number;
  positions: PortfolioPosition[];
  pending: PortfolioOrder[];
}

/** A closed round trip (the backtest's trade). Prices and money VND. */
export interface ClosedTrade {
  readonly symbol: string;
  readonly signalType: SignalType;
  readonly signalTime: string;
  readonly signalScore: number;
  readonly entryTime: string;
  readonly entryPrice: number;
  readonly quantity: number;
  readonly exitTime: string;
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  readonly holdingDays: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly tax: number;
  readonly netPnl: number;
  readonly netReturn: number;
}

/** What happened to the orders, those that did not become trades above all (mutated by the step). */
export interface StepCounters {
  entrySignals: number;
  entriesFilled: number;
  entriesSkippedMaxPositions: number;
  entriesSkippedAlreadyHeld: number;
  entriesSkippedNoNextBar: number;
  entriesSkippedCeiling: number;
  /** The position's share of the equity buys a lot, but the cash left does not. */
  entriesSkippedCash: number;
  /**
   * The position's whole share of the equity (`positionFraction`) buys less than one board lot or
   * one contract: a sizing that can never trade that symbol (a VN30 future's ~110 M VND contract on
   * 10 % of 1 bn VND paid in full). Absent from reports stored before it was counted apart.
   */
  entriesSkippedBelowOneLot: number;
  /** Entries not filled at a session's last bar because the run is flat at the close (`exitAtSessionEnd`). */
  entriesSkippedSessionEnd: number;
  /** Orders filled in HNX's post-close session at the close (`hnxPostClose`): entries and exits. */
  filledPostClose: number;
  /** Sell orders that waited a session because the open was at the floor. */
  exitsDelayedFloor: number;
  /** Sell orders that waited for T+2. */
  exitsDelayedSettlement: number;
}

export function emptyStepCounters(): StepCounters {
  return {
    entrySignals: 0,
    entriesFilled: 0,
    entriesSkippedMaxPositions: 0,
    entriesSkippedAlreadyHeld: 0,
    entriesSkippedNoNextBar: 0,
    entriesSkippedCeiling: 0,
    entriesSkippedCash: 0,
    entriesSkippedBelowOneLot: 0,
    entriesSkippedSessionEnd: 0,
    filledPostClose: 0,
    exitsDelayedFloor: 0,
    exitsDelayedSettlement: 0,
  };
}

/** The market of one step, by symbol. Prices in thousand VND. */
export interface SessionMarket {
  /** Whether the symbol has a bar in this step. */
  hasBar(symbol: string): boolean;
  /** This bar's open / close (only asked when {@link hasBar}). */
  open(symbol: string): number;
  close(symbol: string): number;
  /**
   * The price band's reference for this bar, from the symbol's previous session, the same for
   * every bar of the session: daily bars, the previous bar's close; intraday bars, the previous
   * session's last close (UPCOM: its volume-weighted average price, `IntradayBarRules.reference`).
   * NaN when unknown (no band is checked). Only asked when {@link hasBar}.
   */
  bandReference(symbol: string): number;
  /**
   * Whether an order can fill at this bar's open: the bar lies in a phase where the order book
   * matches (or at its closing print), not in the lunch break, before the open or after the close
   * (`market.isTradingMinute`). Always true for daily bars. Only asked when {@link hasBar}.
   */
  canFill(symbol: string): boolean;
  /** This bar is the symbol's last of its session (always true for daily bars). Only asked when {@link hasBar}. */
  isSessionEnd(symbol: string): boolean;
  /**
   * After this bar's close the order book matches at that close in a session the data has no bar
   * of: HNX's post-close session (PLO) for an HNX stock, on its session's last bar (daily: every
   * bar; intraday: one no later than the PLO's start). Only asked when {@link hasBar}.
   */
  postCloseSession(symbol: string): boolean;
  exchange(symbol: string): Exchange;
  /** A bear exit signal on this session's bar. */
  bearSignal(symbol: string): boolean;
  /** This session's bar is known to be the symbol's last (an entry there is not traded). */
  isLastBar(symbol: string): boolean;
}

/** An entry candidate of this session's close, in priority order. */
export interface StepCandidate {
  readonly symbol: string;
  readonly type: SignalType;
  readonly time: string;
  readonly score: number;
}

export function initialPortfolioState(config: Pick<BacktestConfig, "initialCapital">): PortfolioState {
  const cash = config.initialCapital;
  return { session: 0, lastSession: null, cash, invested: 0, lastEquity: cash, positions: [], pending: [] };
}

function closePosition(
  state: PortfolioState,
  position: PortfolioPosition,
  exitTime: string,
  exitDay: number,
  exitPrice: number,
  reason: ExitReason,
  rate: number,
  trades: ClosedTrade[],
): void {
  const sale = tradeCostsOf(position.symbol, {
    side: "sell",
    priceVnd: exitPrice,
    quantity: position.quantity,
    brokerageRate: rate,
  });
  // A future held over day ends pays VSDC's position fee for each (stocks: nothing).
  const holdingFee = holdingFeeOf(position.symbol, position.quantity, exitDay - position.entrySession);
  // On margin the sale returns the deposit and the profit or loss, not the value never paid.
  state.cash += sale.cashFlow - unpaidValueVnd(position) - holdingFee;
  const grossPnl = (exitPrice - position.entryPrice) * position.quantity;
  const entryTax = position.entryTax ?? 0;
  const fees = position.entryFee + sale.brokerage + holdingFee;
  const tax = entryTax + sale.tax;
  const netPnl = grossPnl - fees - tax;
  trades.push({
    symbol: position.symbol,
    signalType: position.signalType,
    signalTime: position.signalTime,
    signalScore: position.signalScore,
    entryTime: position.entryTime,
    entryPrice: position.entryPrice,
    quantity: position.quantity,
    exitTime,
    exitPrice,
    exitReason: reason,
    holdingDays: exitDay - position.entrySession,
    grossPnl,
    fees,
    tax,
    netPnl,
    // Of the money put in: the whole value, or on margin the deposit (a leveraged return).
    netReturn: netPnl / (capitalPutInVnd(position) + position.entryFee + entryTax),
  });
}

/**
 * One step (`date`: a session's date, or an intraday bar's time, after `state.lastSession`), in
 * this order:
 *
 * 1. sell orders fill at the open (a stop decided at an earlier close, T+2 permitting), then buy
 *    orders in signal priority (sized on the previous close's equity, board lots, ticks, costs);
 *    the band is the session's (reference: the previous session's close), and an intraday bar
 *    outside the trading phases (lunch break, after the close) fills nothing: orders wait;
 * 2. with `exitAtSessionEnd`, at a symbol's last bar of the session, its sellable position is
 *    sold in the closing auction at the close ({@link sellAtSessionEnd}); then positions are
 *    valued at the close (a symbol without a bar keeps its last close);
 * 3. exit rules read the close → sell orders for each symbol's next bar (`maxHoldDays` in
 *    trading days: decided at the close of the session's last bar, as a daily close would be);
 * 4. entry candidates of the close → buy orders for each symbol's next bar;
 * 5. with `hnxPostClose`, HNX stocks' orders of this close fill at it in the post-close session
 *    ({@link fillInPostClose}).
 *
 * Intraday, "the next bar" is the next one in the session; a decision on the session's last bar
 * (the closing auction's print) has no later match that day and fills at the next session's
 * first bar (vn-market.md §1: nothing matches after the ATC; backtest README, "Intraday runs").
 *
 * Mutates `state` (and `counters`), appends closed trades to `trades`.
 */
export function stepPortfolio(
  state: PortfolioState,
  date: string,
  market: SessionMarket,
  candidates: readonly StepCandidate[],
  config: BacktestConfig,
  calendar: HolidayCalendar,
  trades: ClosedTrade[],
  counters: StepCounters = emptyStepCounters(),
): void {
  const session = state.session;
  const rate = config.brokerageRate;

  // T+2, holds and max-hold are counted in trading days also on intraday bars: the calendar
  // reads the bar's date, and the trading-day counter moves when the date does.
  const day = date.slice(0, 10);
  const previousDay = state.tradingDay ?? session - 1;
  const tradingDay =
    state.lastSession === null || state.lastSession.slice(0, 10) !== day ? previousDay + 1 : previousDay;

  // 1a. Sells at the open.
  let closedAny = false;
  for (const position of state.positions) {
    if (position.exitReason === null || !market.hasBar(position.symbol)) continue;
    if (!market.canFill(position.symbol)) continue;
    if (!isSettled(position, tradingDay, day)) {
      counters.exitsDelayedSettlement++;
      continue;
    }
    const price = sellFillPriceVnd(
      position.exchange,
      market.open(position.symbol),
      market.bandReference(position.symbol),
      config.slippageTicks,
      { basisPoints: priceBandBasisPointsOf(position.symbol, position.exchange) },
    );
    if (price === null) {
      counters.exitsDelayedFloor++;
      continue;
    }
    closePosition(state, position, date, tradingDay, price, position.exitReason, rate, trades);
    position.quantity = -1;
    closedAny = true;
  }
  if (closedAny) state.positions = state.positions.filter((p) => p.quantity !== -1);

  // 1b. Buys at the open, in the order the candidates were ranked.
  if (state.pending.length > 0) {
    const waiting: PortfolioOrder[] = [];
    for (const order of state.pending) {
      if (!market.hasBar(order.symbol) || !market.canFill(order.symbol)) {
        waiting.push(order);
        continue;
      }
      if (config.exitAtSessionEnd && market.isSessionEnd(order.symbol)) {
        // Flat at the close: a position opened in the closing auction would be closed in it.
        counters.entriesSkippedSessionEnd++;
        continue;
      }
      const price = buyFillPriceVnd(
        order.exchange,
        market.open(order.symbol),
        market.bandReference(order.symbol),
        config.slippageTicks,
        { basisPoints: priceBandBasisPointsOf(order.symbol, order.exchange) },
      );
      if (price === null) {
        counters.entriesSkippedCeiling++;
        continue;
      }
      openPosition(state, order, price, date, tradingDay, session, market, config, calendar, counters);
    }
    state.pending = waiting;
  }

  // 2. Flat at the close: what may be sold goes in the session's closing auction, at its price.
  if (config.exitAtSessionEnd)
    sellAtSessionEnd(state, date, day, tradingDay, market, config, trades, counters);

  // Valuation at the close.
  for (const position of state.positions) {
    if (market.hasBar(position.symbol)) {
      position.lastClose = market.close(position.symbol);
      position.lastCloseTime = date;
      position.lastCloseSession = session;
      position.lastCloseDay = tradingDay;
    }
  }
  valueAtLastCloses(state);

  // 3. Exit rules on today's close.
  for (const position of state.positions) {
    if (position.exitReason !== null || position.lastCloseSession !== session) continue;
    const close = position.lastClose * 1000;
    if (close > position.peakCloseVnd) position.peakCloseVnd = close;
    const entry = position.entryPrice;
    let reason: ExitReason | null = null;
    // The broker's forced close goes before the strategy's own exits.
    if (isForcedClose(position, close, config)) reason = "forced_close";
    else if (config.stopLoss !== null && close <= entry * (1 - config.stopLoss)) reason = "stop_loss";
    else if (config.trailingStop !== null && close <= position.peakCloseVnd * (1 - config.trailingStop))
      reason = "trailing_stop";
    else if (config.takeProfit !== null && close >= entry * (1 + config.takeProfit)) reason = "take_profit";
    else if (config.exitOnBearSignal && market.bearSignal(position.symbol)) reason = "bear_signal";
    else if (
      config.maxHoldDays !== null &&
      heldLongEnough(
        tradingDay - position.entrySession,
        config.maxHoldDays,
        market.isSessionEnd(position.symbol),
      )
    )
      reason = "max_hold";
    position.exitReason = reason;
  }

  // 4. Entry candidates of today's close → orders for each symbol's next bar.
  for (const candidate of candidates) {
    counters.entrySignals++;
    const symbol = candidate.symbol;
    if (state.positions.some((p) => p.symbol === symbol) || state.pending.some((o) => o.symbol === symbol)) {
      counters.entriesSkippedAlreadyHeld++;
    } else if (market.isLastBar(symbol)) {
      counters.entriesSkippedNoNextBar++;
    } else if (state.positions.length + state.pending.length >= config.maxPositions) {
      counters.entriesSkippedMaxPositions++;
    } else {
      state.pending.push({
        symbol,
        exchange: market.exchange(symbol),
        signalType: candidate.type,
        signalTime: candidate.time,
        signalScore: candidate.score,
        referenceClose: market.close(symbol),
      });
    }
  }

  // 5. HNX's post-close session: what this close decided fills at it, the same day.
  if (config.hnxPostClose)
    fillInPostClose(state, date, day, tradingDay, session, market, config, calendar, trades, counters);

  state.session = session + 1;
  state.lastSession = date;
  state.tradingDay = tradingDay;
}

/** Whether settlement lets `position` go on this trading day (T+2 by the run's sessions and by the calendar). */
function isSettled(position: PortfolioPosition, tradingDay: number, day: string): boolean {
  return (
    tradingDay >= position.sellableSession && (position.sellableOn === null || day >= position.sellableOn)
  );
}

/** Equity at the positions' last closes: `invested` and `lastEquity` from `cash` and the positions. */
function valueAtLastCloses(state: PortfolioState): void {
  let invested = 0;
  for (const position of state.positions) invested += positionValueVnd(position, position.lastClose * 1000);
  state.invested = invested;
  state.lastEquity = state.cash + invested;
}

/**
 * Buys `order` at `price` (VND, on the tick, inside the band): sized on the last close's equity
 * (`positionFraction`, at most the cash), board lots, the exchange's largest order, costs (and a
 * future's margin deposit). An order that buys no lot is dropped, counted by why: the position's
 * share of the equity buys none (`entriesSkippedBelowOneLot`) or the cash left buys none
 * (`entriesSkippedCash`): false.
 */
function openPosition(
  state: PortfolioState,
  order: PortfolioOrder,
  price: number,
  date: string,
  tradingDay: number,
  session: number,
  market: SessionMarket,
  config: BacktestConfig,
  calendar: HolidayCalendar,
  counters: StepCounters,
): boolean {
  const share = config.positionFraction * state.lastEquity;
  const outlayPerShare = outlayPerShareVnd(order.symbol, price, config);
  let quantity = roundDownToBoardLot(Math.min(share, state.cash) / outlayPerShare);
  quantity = Math.min(quantity, maxOrderShares(order.exchange) ?? quantity);
  if (quantity <= 0) {
    if (share < oneLotOutlayVnd(order.symbol, price, config)) counters.entriesSkippedBelowOneLot++;
    else counters.entriesSkippedCash++;
    return false;
  }
  const purchase = tradeCostsOf(order.symbol, {
    side: "buy",
    priceVnd: price,
    quantity,
    brokerageRate: config.brokerageRate,
  });
  // On margin the buy deposits a share of the value (and pays its costs in full).
  const margin = marginDepositVnd(order.symbol, price, quantity, config);
  state.cash += purchase.cashFlow + (margin === undefined ? 0 : purchase.value - margin);
  counters.entriesFilled++;
  // T+2: the later of two trading days of the run's calendar and the holiday calendar's T+2
  // (the calendar knows holidays the data may not show; the data knows sessions it may not).
  // VN30 futures settle T+0: closable in the session they were opened.
  const settlementDays = settlementTradingDaysOf(order.symbol, config.settlementDays);
  const day = date.slice(0, 10);
  const sellableOn = calendar.isTradingDay(day) ? addTradingDays(day, settlementDays, calendar) : null;
  state.positions.push({
    symbol: order.symbol,
    exchange: order.exchange,
    signalType: order.signalType,
    signalTime: order.signalTime,
    signalScore: order.signalScore,
    entryTime: date,
    entrySession: tradingDay,
    entryPrice: price,
    quantity,
    entryFee: purchase.brokerage,
    ...(purchase.tax === 0 ? {} : { entryTax: purchase.tax }),
    ...(margin === undefined ? {} : { margin }),
    sellableSession: tradingDay + settlementDays,
    sellableOn,
    lastClose: market.close(order.symbol),
    lastCloseTime: date,
    lastCloseSession: session,
    lastCloseDay: tradingDay,
    peakCloseVnd: 0,
    exitReason: null,
  });
  return true;
}

/**
 * `hnxPostClose`: HNX's post-close session (PLO) matches only at the closing price, after the
 * closing auction. For each symbol whose bar has one the data does not show
 * ({@link SessionMarket.postCloseSession}): exits decided (now or earlier) that settlement lets go
 * sell at the close, then pending entries buy at it, in their priority order; never a sale at
 * the floor or a buy at the ceiling (no counterparty at the limit: the order waits for the next
 * open). No look-ahead: the close is known when the PLO opens. Counted in `filledPostClose`.
 */
function fillInPostClose(
  state: PortfolioState,
  date: string,
  day: string,
  tradingDay: number,
  session: number,
  market: SessionMarket,
  config: BacktestConfig,
  calendar: HolidayCalendar,
  trades: ClosedTrade[],
  counters: StepCounters,
): void {
  const inPostClose = (symbol: string) => market.hasBar(symbol) && market.postCloseSession(symbol);
  const filledBefore = counters.filledPostClose;
  let closedAny = false;
  for (const position of state.positions) {
    const symbol = position.symbol;
    if (position.exitReason === null || !inPostClose(symbol) || !isSettled(position, tradingDay, day))
      continue;
    const price = sellFillPriceVnd(position.exchange, market.close(symbol), market.bandReference(symbol), 0, {
      basisPoints: priceBandBasisPointsOf(symbol, position.exchange),
    });
    if (price === null) continue;
    closePosition(
      state,
      position,
      date,
      tradingDay,
      price,
      position.exitReason,
      config.brokerageRate,
      trades,
    );
    position.quantity = -1;
    closedAny = true;
    counters.filledPostClose++;
  }
  if (closedAny) state.positions = state.positions.filter((p) => p.quantity !== -1);

  // A day trader flat at the close opens nothing after it.
  if (!config.exitAtSessionEnd && state.pending.length > 0) {
    const waiting: PortfolioOrder[] = [];
    for (const order of state.pending) {
      const price = inPostClose(order.symbol)
        ? buyFillPriceVnd(order.exchange, market.close(order.symbol), market.bandReference(order.symbol), 0, {
            basisPoints: priceBandBasisPointsOf(order.symbol, order.exchange),
          })
        : null;
      if (price === null) {
        waiting.push(order);
        continue;
      }
      if (openPosition(state, order, price, date, tradingDay, session, market, config, calendar, counters))
        counters.filledPostClose++;
    }
    state.pending = waiting;
  }
  if (counters.filledPostClose > filledBefore) valueAtLastCloses(state);
}

/**
 * `exitAtSessionEnd`: every position with a bar at this step that is the symbol's last of the
 * session, that the order book can fill and that settlement lets go, is sold at the bar's close
 * (the closing auction's price, on the tick, inside the session's band: at the floor it does not
 * fill and the position stays). An order placed for the closing auction before it starts: known
 * in advance, so no look-ahead. A pending exit keeps its own reason.
 */
function sellAtSessionEnd(
  state: PortfolioState,
  date: string,
  day: string,
  tradingDay: number,
  market: SessionMarket,
  config: BacktestConfig,
  trades: ClosedTrade[],
  counters: StepCounters,
): void {
  let closedAny = false;
  for (const position of state.positions) {
    const symbol = position.symbol;
    if (!market.hasBar(symbol) || !market.isSessionEnd(symbol) || !market.canFill(symbol)) continue;
    if (!isSettled(position, tradingDay, day)) continue;
    const price = sellFillPriceVnd(
      position.exchange,
      market.close(symbol),
      market.bandReference(symbol),
      config.slippageTicks,
      { basisPoints: priceBandBasisPointsOf(symbol, position.exchange) },
    );
    if (price === null) {
      counters.exitsDelayedFloor++;
      continue;
    }
    const reason = position.exitReason ?? "session_end";
    closePosition(state, position, date, tradingDay, price, reason, config.brokerageRate, trades);
    position.quantity = -1;
    closedAny = true;
  }
  if (closedAny) state.positions = state.positions.filter((p) => p.quantity !== -1);
}

/**
 * Whether a position held `daysHeld` trading days is due for its max-hold exit: at the close of
 * the last bar of its `maxHoldDays`-th trading day after the entry's (a daily close; so the sale
 * fills at the next session's open, as in a daily run), or on any later bar if that last bar was
 * not seen (the symbol had none).
 */
function heldLongEnough(daysHeld: number, maxHoldDays: number, sessionEnd: boolean): boolean {
  return daysHeld > maxHoldDays || (daysHeld === maxHoldDays && sessionEnd);
}

/**
 * The backtest's end: every open position sold at its last close (on the tick grid), costs
 * included, so that the trades add up to the final cash. Pending orders are dropped.
 */
export function closeAllAtLastClose(
  state: PortfolioState,
  config: BacktestConfig,
  trades: ClosedTrade[],
): void {
  for (const position of state.positions) {
    const price = toTickPriceVnd(position.exchange, position.lastClose);
    closePosition(
      state,
      position,
      position.lastCloseTime,
      position.lastCloseDay ?? position.lastCloseSession,
      price,
      "end_of_period",
      config.brokerageRate,
      trades,
    );
  }
  state.positions = [];
  state.pending = [];
  state.invested = 0;
  state.lastEquity = state.cash;
}
