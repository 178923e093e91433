import { dayOfWeek, expandDateRange, isCalendarDate } from "./calendar-date.ts";
import { VN_EXCHANGE_HOLIDAY_RANGES } from "./vn-holidays.ts";

/**
 * Which days the exchanges trade: Monday–Friday except holidays (vn-market.md §1, §5).
 * Dates are `YYYY-MM-DD` in Vietnam.
 */
export interface HolidayCalendar {
  /** All holidays, sorted. */
  readonly holidays: readonly string[];
  isHoliday(date: string): boolean;
  /** A weekday that is not a holiday. */
  isTradingDay(date: string): boolean;
}

export interface HolidayCalendarOptions {
  /**
   * Extra holiday dates, `YYYY-MM-DD` — e.g. next year's calendar, read from a file by the caller
   * (the core does no I/O). Duplicates of built-in dates are fine.
   */
  readonly extraHolidays?: readonly string[];
  /** Start from the built-in 2024–2026 list. Default true; false gives a calendar of `extraHolidays` only. */
  readonly includeBuiltIn?: boolean;
}

/**
 * Builds a holiday calendar: the built-in 2024–2026 holidays plus whatever the operator adds.
 *
 * @example
 * const calendar = createHolidayCalendar({ extraHolidays: ["2027-01-01"] });
 * calendar.isTradingDay("2027-01-01"); // false
 * calendar.isTradingDay("2024-02-15"); // true (first day after Tet 2024)
 * @throws RangeError listing every entry that is not a `YYYY-MM-DD` date.
 */
export function createHolidayCalendar(options: HolidayCalendarOptions = {}): HolidayCalendar {
  const extra = options.extraHolidays ?? [];
  const invalid = extra.filter((date) => !isCalendarDate(date));
  if (invalid.length > 0) {
    throw new RangeError(
      `invalid holiday dates (expected YYYY-MM-DD): ${invalid.map((d) => JSON.stringify(d)).join(", ")}`,
    );
  }
  const set = new Set<string>(extra);
  if (options.includeBuiltIn !== false) {
    for (const range of VN_EXCHANGE_HOLIDAY_RANGES)
      for (const date of expandDateRange(range.from, range.to)) set.add(date);
  }
  const holidays = Object.freeze([...set].sort());
  return Object.freeze({
    holidays,
    isHoliday: (date: string) => set.has(date),
    isTradingDay: (date: string) => {
      const weekday = dayOfWeek(date);
      return weekday !== 0 && weekday !== 6 && !set.has(date);
    },
  });
}

/** The built-in calendar (2024–2026, vn-market.md §5). */
export const DEFAULT_HOLIDAY_CALENDAR: HolidayCalendar = createHolidayCalendar();
