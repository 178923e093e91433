import { market } from "@vpa/core";
import type { QuietHours } from "@vpa/db";

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/**
 * How long an alert to a subscriber must wait at `now` because of their quiet hours: 0 outside
 * them, else the time until they end (to the minute). Local time is Asia/Ho_Chi_Minh; a window
 * whose end is before its start wraps past midnight (22:00–07:00). start == end means no window.
 *
 * @example
 * quietHoursDelayMs({ start: 22 * 60, end: 7 * 60 }, Date.parse("2024-03-04T23:30:00+07:00")); // 7.5 h
 */
export function quietHoursDelayMs(quiet: QuietHours | null, now: number): number {
  if (quiet === null || quiet.start === quiet.end) return 0;
  const { minuteOfDay } = market.toVietnamTime(now);
  const inside =
    quiet.start < quiet.end
      ? minuteOfDay >= quiet.start && minuteOfDay < quiet.end
      : minuteOfDay >= quiet.start || minuteOfDay < quiet.end;
  if (!inside) return 0;
  const minutesLeft = (quiet.end - minuteOfDay + DAY_MINUTES) % DAY_MINUTES;
  const secondsIntoMinute = (now % MINUTE_MS) / 1000;
  return minutesLeft * MINUTE_MS - secondsIntoMinute * 1000;
}

/** `22:00-07:00` → { start: 1320, end: 420 }; null if the text is not such a window. */
export function parseQuietHours(text: string): QuietHours | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (match === null) return null;
  const [, h1, m1, h2, m2] = match;
  return { start: Number(h1) * 60 + Number(m1), end: Number(h2) * 60 + Number(m2) };
}

export function formatQuietHours(quiet: QuietHours): string {
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return `${hhmm(quiet.start)}-${hhmm(quiet.end)}`;
}
