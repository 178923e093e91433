import type { Exchange } from "./exchange.ts";
import { isIndexFuture } from "./index-futures.ts";

/**
 * Phases of a trading day. `ATO`/`ATC` are the opening/closing call auctions, `PLO` HNX's
 * post-close session at the closing price, `PUT_THROUGH` the negotiated-deals-only window.
 */
export const TRADING_PHASES = ["ATO", "CONTINUOUS", "ATC", "PLO", "PUT_THROUGH"] as const;

export type TradingPhase = (typeof TRADING_PHASES)[number];

/** Phases in which the order book matches orders: what {@link isMarketOpen} calls "open". */
export const ORDER_MATCHING_PHASES: readonly TradingPhase[] = ["ATO", "CONTINUOUS", "ATC", "PLO"];

/** One phase, local Vietnam time `HH:MM`, start included, end excluded. */
export interface TradingSession {
  readonly phase: TradingPhase;
  readonly start: string;
  readonly end: string;
}

export type TradingSessionTable = Readonly<Record<Exchange, readonly TradingSession[]>>;

/** Closing time of UPCOM's afternoon session: the sources disagree (vn-market.md §1). */
export type UpcomClose = "14:30" | "15:00";

export interface TradingSessionOptions {
  /** Default "15:00". */
  readonly upcomClose?: UpcomClose;
}

/**
 * Session tables (vn-market.md §1); the lunch break 11:30–13:00 is the gap between sessions.
 *
 * @example
 * createTradingSessions({ upcomClose: "14:30" }).UPCOM.at(-1); // { phase: "CONTINUOUS", start: "13:00", end: "14:30" }
 */
export function createTradingSessions(options: TradingSessionOptions = {}): TradingSessionTable {
  return {
    HOSE: [
      { phase: "ATO", start: "09:00", end: "09:15" },
      { phase: "CONTINUOUS", start: "09:15", end: "11:30" },
      { phase: "CONTINUOUS", start: "13:00", end: "14:30" },
      { phase: "ATC", start: "14:30", end: "14:45" },
      { phase: "PUT_THROUGH", start: "14:45", end: "15:00" },
    ],
    HNX: [
      { phase: "CONTINUOUS", start: "09:00", end: "11:30" },
      { phase: "CONTINUOUS", start: "13:00", end: "14:30" },
      { phase: "ATC", start: "14:30", end: "14:45" },
      { phase: "PLO", start: "14:45", end: "15:00" },
    ],
    UPCOM: [
      { phase: "CONTINUOUS", start: "09:00", end: "11:30" },
      { phase: "CONTINUOUS", start: "13:00", end: options.upcomClose ?? "15:00" },
    ],
  };
}

/** The default tables (UPCOM closing at 15:00). */
export const DEFAULT_TRADING_SESSIONS: TradingSessionTable = createTradingSessions();

/**
 * The session after the closing auction in which the order book matches only at the day's
 * closing price: HNX's post-close session (PLO, 14:45–15:00; vn-market.md §1) for the stocks
 * listed there. None on HOSE (put-through deals only) or UPCOM, and none for VN30 futures
 * (stored under HNX, traded on the derivatives market, which closes with its ATC at 14:45).
 *
 * @example
 * postCloseSessionOf("SHS", "HNX"); // { phase: "PLO", start: "14:45", end: "15:00" }
 * postCloseSessionOf("VN30F1M", "HNX"); // null
 */
export function postCloseSessionOf(
  symbol: string,
  exchange: Exchange,
  sessions: TradingSessionTable = DEFAULT_TRADING_SESSIONS,
): TradingSession | null {
  if (isIndexFuture(symbol)) return null;
  return sessions[exchange].find((session) => session.phase === "PLO") ?? null;
}

/**
 * Minutes since midnight of `HH:MM`.
 *
 * @example
 * minuteOfDay("14:45"); // 885
 */
export function minuteOfDay(clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  if (match === null) throw new RangeError(`not an HH:MM time: ${JSON.stringify(clock)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Whether order-book trades can print at `minute` (minutes since local midnight) under `sessions`:
 * inside a matching phase ({@link ORDER_MATCHING_PHASES}), or exactly at the end of one, which is
 * where a phase's last print lands (a call auction's one print at its end, e.g. the ATC at
 * 14:45; a 1-minute bar stamped 11:30 closes the morning). Not in the lunch break, before the
 * first phase, after the last, or in a put-through-only window.
 *
 * @example
 * isTradingMinute(DEFAULT_TRADING_SESSIONS.HOSE, minuteOfDay("11:30")); // true (the morning's last print)
 * isTradingMinute(DEFAULT_TRADING_SESSIONS.HOSE, minuteOfDay("12:00")); // false (lunch)
 * isTradingMinute(DEFAULT_TRADING_SESSIONS.HOSE, minuteOfDay("14:50")); // false (put-through only)
 */
export function isTradingMinute(sessions: readonly TradingSession[], minute: number): boolean {
  for (const session of sessions) {
    if (!ORDER_MATCHING_PHASES.includes(session.phase)) continue;
    if (minute >= minuteOfDay(session.start) && minute <= minuteOfDay(session.end)) return true;
  }
  return false;
}
