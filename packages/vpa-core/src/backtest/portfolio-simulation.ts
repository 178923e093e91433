import type { Exchange } from "../market/exchange.ts";
import type { HolidayCalendar } from "../market/holiday-calendar.ts";
import { postCloseSessionOf } from "../market/trading-sessions.ts";
import type { BacktestConfig } from "./backtest-config.ts";
import type { BacktestUniverse } from "./backtest-universe.ts";
import type { EntryCandidate } from "./entry-candidates.ts";
import { type IntradayBarRules, isIntradayTime, readIntradayBarRules } from "./intraday-bar-rules.ts";
import {
  type ClosedTrade,
  closeAllAtLastClose,
  emptyStepCounters,
  initialPortfolioState,
  type PortfolioState,
  type SessionMarket,
  type StepCandidate,
  type StepCounters,
  stepPortfolio,
} from "./portfolio-step.ts";

/**
 * One round trip. Prices and money in VND (integer prices on a tick; fees exact, not rounded).
 * `holdingDays` counts sessions (trading days, also for intraday bars) of the run's calendar from
 * the entry day to the exit day;
 * `signalTime` is the bar whose close decided the entry (the signal's, or its confirmation's);
 * `grossPnl` = (exitPrice − entryPrice) × quantity; `fees` the brokerage of both sides; `tax` the
 * 0.1% sell tax; `netPnl` = grossPnl − fees − tax; `netReturn` = netPnl / (entry value + entry
 * brokerage).
 */
export type BacktestTrade = ClosedTrade;

/** Values at each session's close, VND. */
export interface SimulatedCurve {
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  /** Market value of the open positions (closes, no costs). */
  readonly invested: Float64Array;
  /** Open positions at the close. */
  readonly positions: Int32Array;
}

/** What happened to the orders of a run (see StepCounters). */
export type SimulationCounters = Readonly<StepCounters>;

export interface Simulation {
  readonly trades: BacktestTrade[];
  readonly curve: SimulatedCurve;
  readonly counters: SimulationCounters;
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
 * The market of a universe's sessions for {@link stepPortfolio}: a cursor per symbol (monotonic
 * in the session, so a whole run walks each symbol's bars once) behind a symbol → index map.
 */
export class UniverseMarket implements SessionMarket {
  /** The session (day index of the universe) being stepped. */
  day = 0;
  private readonly cursor: Int32Array;
  private readonly indexOf = new Map<string, number>();

  private readonly universe: BacktestUniverse;
  private readonly bearSignalAt: readonly Uint8Array[];
  private readonly openEnded: boolean;
  /** Intraday runs only: each symbol's bar rules, read on first use. */
  private readonly intraday: boolean;
  private readonly barRules: (IntradayBarRules | undefined)[] = [];

  /**
   * @param openEnded a paper portfolio's universe ends today, not at the end of its data: a bar
   *   on the universe's last session is not known to be the symbol's last.
   */
  constructor(universe: BacktestUniverse, bearSignalAt: readonly Uint8Array[], openEnded = false) {
    this.universe = universe;
    this.bearSignalAt = bearSignalAt;
    this.openEnded = openEnded;
    this.intraday = isIntradayTime(universe.days[0]);
    this.cursor = Int32Array.from(universe.symbols, (s) => s.firstBar - 1);
    for (const symbol of universe.symbols) this.indexOf.set(symbol.symbol, symbol.index);
  }

  /** One-entry cache: the step asks several things of the same symbol in a row. */
  private cachedSymbol = "";
  private cachedDay = -1;
  private cachedIndex = -1;
  private cachedBar = -1;

  /** Points the cache at `symbol` in this session: its index, and its bar today (-1: none). */
  private find(symbol: string): void {
    if (symbol === this.cachedSymbol && this.day === this.cachedDay) return;
    const index = this.indexOf.get(symbol) ?? -1;
    let today = -1;
    if (index >= 0) {
      const s = this.universe.symbols[index]!;
      let bar = this.cursor[index]!;
      while (bar + 1 < s.endBar && s.dayOf[bar + 1]! <= this.day) bar++;
      this.cursor[index] = bar;
      if (bar >= s.firstBar && s.dayOf[bar] === this.day) today = bar;
    }
    this.cachedSymbol = symbol;
    this.cachedDay = this.day;
    this.cachedIndex = index;
    this.cachedBar = today;
  }

  hasBar(symbol: string): boolean {
    this.find(symbol);
    return this.cachedBar >= 0;
  }
  open(symbol: string): number {
    this.find(symbol);
    return this.universe.symbols[this.cachedIndex]!.columns.open[this.cachedBar]!;
  }
  close(symbol: string): number {
    this.find(symbol);
    return this.universe.symbols[this.cachedIndex]!.columns.close[this.cachedBar]!;
  }
  exchange(symbol: string): Exchange {
    this.find(symbol);
    return this.universe.symbols[this.cachedIndex]!.exchange;
  }
  bearSignal(symbol: string): boolean {
    this.find(symbol);
    return this.cachedBar >= 0 && this.bearSignalAt[this.cachedIndex]![this.cachedBar] === 1;
  }
  bandReference(symbol: string): number {
    this.find(symbol);
    const columns = this.universe.symbols[this.cachedIndex]!.columns;
    if (this.intraday) return this.rulesOfCached().reference[this.cachedBar]!;
    return this.cachedBar > 0 ? columns.close[this.cachedBar - 1]! : Number.NaN;
  }
  canFill(symbol: string): boolean {
    this.find(symbol);
    return !this.intraday || this.rulesOfCached().canFill[this.cachedBar] === 1;
  }
  isSessionEnd(symbol: string): boolean {
    this.find(symbol);
    return !this.intraday || this.rulesOfCached().sessionEnd[this.cachedBar] === 1;
  }
  postCloseSession(symbol: string): boolean {
    this.find(symbol);
    if (this.intraday) return this.rulesOfCached().postClose[this.cachedBar] === 1;
    const s = this.universe.symbols[this.cachedIndex]!;
    return postCloseSessionOf(s.symbol, s.exchange) !== null;
  }
  private rulesOfCached(): IntradayBarRules {
    const index = this.cachedIndex;
    let rules = this.barRules[index];
    if (rules === undefined) {
      const s = this.universe.symbols[index]!;
      rules = readIntradayBarRules(s.symbol, s.exchange, s.columns);
      this.barRules[index] = rules;
    }
    return rules;
  }
  isLastBar(symbol: string): boolean {
    this.find(symbol);
    if (this.cachedBar + 1 < this.universe.symbols[this.cachedIndex]!.endBar) return false;
    return !(this.openEnded && this.day === this.universe.days.length - 1);
  }
}

const NO_CANDIDATES: readonly StepCandidate[] = Object.freeze([]);

/** Per session of the advance, after its close: read `state.cash`, `invested`, `lastEquity`, `positions`. */
export type OnSessionClose = (date: string, state: PortfolioState) => void;

/**
 * Steps `state` through every session of `universe` after `state.lastSession` (one
 * {@link stepPortfolio} per session): the backtest's loop, and a paper portfolio's catch-up from
 * its stored state. `onClose` sees each session's close.
 */
export function advancePortfolio(
  state: PortfolioState,
  universe: BacktestUniverse,
  config: BacktestConfig,
  candidates: readonly EntryCandidate[],
  bearSignalAt: readonly Uint8Array[],
  calendar: HolidayCalendar,
  trades: ClosedTrade[],
  counters: StepCounters,
  options: { readonly openEnded?: boolean; readonly onClose?: OnSessionClose } = {},
): void {
  const days = universe.days;
  const market = new UniverseMarket(universe, bearSignalAt, options.openEnded ?? false);
  const first = state.lastSession === null ? 0 : firstDayAtOrAfter(days, `${state.lastSession}\u0000`);
  let next = 0;
  while (next < candidates.length && candidates[next]!.day < first) next++;
  for (let day = first; day < days.length; day++) {
    market.day = day;
    const start = next;
    while (next < candidates.length && candidates[next]!.day === day) next++;
    const today = start === next ? NO_CANDIDATES : candidates.slice(start, next);
    stepPortfolio(state, days[day]!, market, today, config, calendar, trades, counters);
    options.onClose?.(days[day]!, state);
  }
}

/**
 * The walk of a shared-cash portfolio over every symbol in time order (the universe's calendar
 * merges all symbols' dates): {@link stepPortfolio} once per session (sells, then buys at the
 * open; valuation at the close; exit rules and entry candidates of the close → orders for the
 * next open), then whatever is still open is sold at its last close.
 *
 * Nothing decided on a close can fill before the next open: no look-ahead by construction.
 */
export function simulatePortfolio(
  universe: BacktestUniverse,
  config: BacktestConfig,
  candidates: readonly EntryCandidate[],
  bearSignalAt: readonly Uint8Array[],
  calendar: HolidayCalendar,
): Simulation {
  const dayCount = universe.days.length;
  const equity = new Float64Array(dayCount);
  const cashCurve = new Float64Array(dayCount);
  const investedCurve = new Float64Array(dayCount);
  const positionCurve = new Int32Array(dayCount);
  const trades: BacktestTrade[] = [];
  const state = initialPortfolioState(config);
  const counters = emptyStepCounters();
  let day = 0;
  advancePortfolio(state, universe, config, candidates, bearSignalAt, calendar, trades, counters, {
    onClose: (_date, after) => {
      equity[day] = after.lastEquity;
      cashCurve[day] = after.cash;
      investedCurve[day] = after.invested;
      positionCurve[day] = after.positions.length;
      day++;
    },
  });

  // The end: whatever is still open is sold at its last close, costs included, so that the trade
  // list adds up to the final equity (the last point of the curve is that cash).
  if (dayCount > 0 && state.positions.length > 0) {
    closeAllAtLastClose(state, config, trades);
    equity[dayCount - 1] = state.cash;
    cashCurve[dayCount - 1] = state.cash;
    investedCurve[dayCount - 1] = 0;
    positionCurve[dayCount - 1] = 0;
  }
  return {
    trades,
    curve: { equity, cash: cashCurve, invested: investedCurve, positions: positionCurve },
    counters,
  };
}
