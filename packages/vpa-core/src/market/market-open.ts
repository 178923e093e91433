import type { Exchange } from "./exchange.ts";
import type { HolidayCalendar } from "./holiday-calendar.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "./holiday-calendar.ts";
import type { TradingPhase, TradingSessionTable } from "./trading-sessions.ts";
import { DEFAULT_TRADING_SESSIONS, minuteOfDay, ORDER_MATCHING_PHASES } from "./trading-sessions.ts";
import { toVietnamTime } from "./vietnam-time.ts";

export interface MarketClockOptions {
  /** Default: the built-in 2024–2026 calendar. */
  readonly calendar?: HolidayCalendar;
  /** Default: {@link DEFAULT_TRADING_SESSIONS} (UPCOM until 15:00). */
  readonly sessions?: TradingSessionTable;
}

/**
 * The phase `exchange` is in at `instant` (Vietnam local time, UTC+7), or `"CLOSED"` on weekends,
 * holidays, before/after hours and at lunch.
 *
 * @example
 * tradingPhaseAt("HOSE", Date.parse("2024-03-04T02:05:00Z")); // "ATO" (09:05 local, a Monday)
 * tradingPhaseAt("HNX", Date.parse("2024-03-04T07:50:00Z"));  // "PLO" (14:50 local)
 */
export function tradingPhaseAt(
  exchange: Exchange,
  instant: Date | number,
  options: MarketClockOptions = {},
): TradingPhase | "CLOSED" {
  const local = toVietnamTime(instant);
  const calendar = options.calendar ?? DEFAULT_HOLIDAY_CALENDAR;
  if (!calendar.isTradingDay(local.date)) return "CLOSED";
  for (const session of (options.sessions ?? DEFAULT_TRADING_SESSIONS)[exchange]) {
    if (local.minuteOfDay >= minuteOfDay(session.start) && local.minuteOfDay < minuteOfDay(session.end)) {
      return session.phase;
    }
  }
  return "CLOSED";
}

/**
 * True while the order book of `exchange` matches orders (ATO, continuous, ATC, PLO). The
 * put-through-only window after HOSE's ATC (14:45–15:00) is not "open": no order-book trade
 * can happen, so no bar moves.
 *
 * @example
 * isMarketOpen("HOSE", new Date("2024-03-04T10:00:00+07:00")); // true
 * isMarketOpen("HOSE", new Date("2024-03-04T12:00:00+07:00")); // false (lunch)
 * isMarketOpen("HOSE", new Date("2024-02-12T10:00:00+07:00")); // false (Tet)
 */
export function isMarketOpen(
  exchange: Exchange,
  instant: Date | number,
  options: MarketClockOptions = {},
): boolean {
  const phase = tradingPhaseAt(exchange, instant, options);
  return phase !== "CLOSED" && ORDER_MATCHING_PHASES.includes(phase);
}
