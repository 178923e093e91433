import { addCalendarDays } from "./calendar-date.ts";
import type { HolidayCalendar } from "./holiday-calendar.ts";
import { DEFAULT_HOLIDAY_CALENDAR } from "./holiday-calendar.ts";

/** T+2: shares bought on trading day T can be sold on T+2 (vn-market.md §4; from its afternoon session). */
export const SETTLEMENT_TRADING_DAYS = 2;

/**
 * The trading day `count` trading days after `date` (skipping weekends and holidays).
 *
 * @example
 * addTradingDays("2024-02-07", 1); // "2024-02-15" (Tet: Feb 8–14)
 */
export function addTradingDays(
  date: string,
  count: number,
  calendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR,
): string {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  let current = date;
  for (let remaining = count; remaining > 0; ) {
    current = addCalendarDays(current, 1);
    if (calendar.isTradingDay(current)) remaining--;
  }
  return current;
}

/**
 * First date on which shares bought on `buyDate` can be sold: T+2 trading days.
 *
 * @example
 * sellableDate("2024-04-26"); // "2024-05-03": Apr 29–May 1 are holidays, then Thu May 2 is T+1
 * @throws RangeError when `buyDate` is not a trading day (nothing can be bought then).
 */
export function sellableDate(buyDate: string, calendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR): string {
  if (!calendar.isTradingDay(buyDate)) throw new RangeError(`${buyDate} is not a trading day`);
  return addTradingDays(buyDate, SETTLEMENT_TRADING_DAYS, calendar);
}
