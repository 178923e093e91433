/**
 * Calendar dates as `YYYY-MM-DD` strings (the form of daily bar times). Arithmetic goes through
 * UTC midnight, so no time zone or DST can shift a day.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * True for a real calendar date written `YYYY-MM-DD`.
 *
 * @example
 * isCalendarDate("2024-02-29"); // true
 * isCalendarDate("2025-02-29"); // false
 */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

function toEpochDay(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a YYYY-MM-DD calendar date: ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `date` plus `days` calendar days.
 *
 * @example
 * addCalendarDays("2024-02-28", 2); // "2024-03-01"
 */
export function addCalendarDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/**
 * Day of the week, 0 = Sunday … 6 = Saturday.
 *
 * @example
 * dayOfWeek("2024-01-01"); // 1 (Monday)
 */
export function dayOfWeek(date: string): number {
  return new Date(toEpochDay(date) * DAY_MS).getUTCDay();
}

/**
 * Every date from `from` to `to`, both included.
 *
 * @example
 * expandDateRange("2024-04-29", "2024-05-01"); // ["2024-04-29", "2024-04-30", "2024-05-01"]
 */
export function expandDateRange(from: string, to: string): string[] {
  const first = toEpochDay(from);
  const last = toEpochDay(to);
  if (last < first) throw new RangeError(`date range ends before it starts: ${from} .. ${to}`);
  const dates: string[] = [];
  for (let day = first; day <= last; day++) dates.push(fromEpochDay(day));
  return dates;
}
