/**
 * Asia/Ho_Chi_Minh is UTC+7 all year (no DST), so local time is a fixed offset — no Intl or tz
 * database needed.
 */
export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;

export interface VietnamLocalTime {
  /** Local calendar date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Minutes since local midnight, 0..1439. */
  readonly minuteOfDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly dayOfWeek: number;
}

/**
 * Local date and time in Vietnam of an instant (a `Date` or epoch milliseconds; the caller
 * passes the clock in).
 *
 * @example
 * toVietnamTime(Date.parse("2024-03-04T02:15:00Z")); // { date: "2024-03-04", minuteOfDay: 555 (09:15), dayOfWeek: 1 }
 */
export function toVietnamTime(instant: Date | number): VietnamLocalTime {
  const epochMs = typeof instant === "number" ? instant : instant.getTime();
  if (!Number.isFinite(epochMs)) throw new RangeError("instant is not a valid time");
  const local = new Date(epochMs + VIETNAM_UTC_OFFSET_MINUTES * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
    dayOfWeek: local.getUTCDay(),
  };
}
