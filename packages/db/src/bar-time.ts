/**
 * Bar times as the rest of the system writes them, and as PostgreSQL stores them.
 *
 * vpa-core and the CLI use a string: `YYYY-MM-DD` for daily (and weekly) bars, an ISO-8601 instant
 * with the exchange's offset for intraday bars. The database stores `timestamptz`. A daily bar is
 * stored at local midnight in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), so the date survives
 * any session time zone.
 */
export const TIMEFRAMES = ["1D", "1W", "1m", "5m", "15m", "30m", "1h"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

export function isDailyOrLonger(timeframe: Timeframe): boolean {
  return timeframe === "1D" || timeframe === "1W";
}

/** `2024-01-02` → 2024-01-01T17:00:00Z; `2024-01-02T09:15:00+07:00` → that instant. */
export function barTimeToDate(time: string): Date {
  const date = DATE_PATTERN.test(time) ? new Date(`${time}T00:00:00+07:00`) : new Date(time);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a bar time: ${JSON.stringify(time)}`);
  return date;
}

/** The inverse of {@link barTimeToDate} for bars of the given timeframe. */
export function dateToBarTime(date: Date, timeframe: Timeframe): string {
  const local = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString();
  if (isDailyOrLonger(timeframe)) return local.slice(0, 10);
  return `${local.slice(0, 19)}+07:00`;
}
