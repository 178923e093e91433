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

/**
 * A bar time as a person reads it: an intraday one (`2023-11-17T09:00:00+07:00`, Vietnam's clock)
 * as `2023-11-17 09:00`, a daily one as its date. For tables and sentences, never for storage.
 */
export function readableBarTime(time: string): string {
  return time.length > 10 ? `${time.slice(0, 10)} ${time.slice(11, 16)}` : time;
}

/** The inverse of {@link barTimeToDate} for bars of the given timeframe. */
export function dateToBarTime(date: Date, timeframe: Timeframe): string {
  const local = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString();
  if (isDailyOrLonger(timeframe)) return local.slice(0, 10);
  return `${local.slice(0, 19)}+07:00`;
}

const SECONDS_PER_DAY = 86_400;
const VIETNAM_OFFSET_SECONDS = 7 * 3_600;

/** `n` as at least two digits. */
function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * {@link dateToBarTime} from Unix seconds, by arithmetic: no Date object per bar. A hot path (every
 * bar an analyze job loads: PostgreSQL sends times as numbers, which is cheaper for it than
 * formatting text). The civil date from a day count is Howard Hinnant's `civil_from_days`; valid
 * for any date in the proleptic Gregorian calendar.
 */
export function epochSecondsToBarTime(seconds: number, timeframe: Timeframe): string {
  const local = seconds + VIETNAM_OFFSET_SECONDS;
  const days = Math.floor(local / SECONDS_PER_DAY);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const date = `${year}-${twoDigits(month)}-${twoDigits(day)}`;
  if (isDailyOrLonger(timeframe)) return date;
  const secondOfDay = local - days * SECONDS_PER_DAY;
  const hours = Math.floor(secondOfDay / 3_600);
  const minutes = Math.floor((secondOfDay % 3_600) / 60);
  const rest = Math.floor(secondOfDay % 60);
  return `${date}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(rest)}+07:00`;
}
