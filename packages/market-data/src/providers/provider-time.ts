/**
 * Time conversions at the provider edge. Sources stamp bars with unix seconds:
 *
 * - **daily and weekly** bars come stamped at 00:00 UTC (= 07:00 local), at 00:00 local
 *   (= 17:00 UTC the day before) or at 07:00 local, depending on the source. Every one of these
 *   instants falls on the bar's date in Asia/Ho_Chi_Minh, so a daily `t` maps to **the local (UTC+7)
 *   date** of the instant: `YYYY-MM-DD`.
 * - **intraday** bars map to the instant in local time with its offset, `YYYY-MM-DDTHH:MM:SS+07:00`
 *   (the bar's start, as the source stamps it).
 *
 * Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving), so a fixed offset is exact.
 */
import { ProviderError } from "./provider-error.ts";
import { type BarRequest, DEFAULT_LOOKBACK_DAYS, type ProviderTimeframe } from "./provider-types.ts";

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isDailyOrLongerTimeframe(timeframe: ProviderTimeframe): boolean {
  return timeframe === "1D" || timeframe === "1W";
}

/** Length of one bar in seconds (1W and 1D: calendar length). */
export const TIMEFRAME_SECONDS: Readonly<Record<ProviderTimeframe, number>> = {
  "1m": 60,
  "5m": 300,
  "15m": 900,
  "30m": 1800,
  "1h": 3600,
  "1D": 86_400,
  "1W": 604_800,
};

/** Local (UTC+7) calendar date of an instant. */
export function localDateOf(epochMs: number): string {
  return new Date(epochMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * A source's unix-seconds stamp as a bar time; null when it is not a usable number.
 *
 * @example
 * unixSecondsToBarTime(1704153600, "1D");  // "2024-01-02" (00:00 UTC)
 * unixSecondsToBarTime(1704128400, "1D");  // "2024-01-02" (00:00 local)
 * unixSecondsToBarTime(1704161700, "15m"); // "2024-01-02T09:15:00+07:00"
 */
export function unixSecondsToBarTime(seconds: number, timeframe: ProviderTimeframe): string | null {
  if (!Number.isFinite(seconds)) return null;
  const ms = seconds * 1000;
  if (Math.abs(ms) > 8.64e15) return null;
  if (isDailyOrLongerTimeframe(timeframe)) return localDateOf(ms);
  return `${new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** Epoch ms of a bar time: a date is its local midnight, an instant is itself; null if unreadable. */
export function barTimeToEpochMs(time: string): number | null {
  if (DATE_PATTERN.test(time)) {
    const ms = Date.parse(`${time}T00:00:00+07:00`);
    return Number.isNaN(ms) || localDateOf(ms) !== time ? null : ms;
  }
  if (!INSTANT_PATTERN.test(time)) return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : ms;
}

/** The inclusive span of a request, resolved against the clock. */
export interface ResolvedRange {
  readonly timeframe: ProviderTimeframe;
  /** First instant wanted (epoch ms); for daily bars the local midnight of the first date. */
  readonly fromMs: number;
  /** Last instant wanted (epoch ms); a date as `to` means the end of that local day. */
  readonly toMs: number;
  /** Daily/weekly: first and last local date wanted. */
  readonly fromDate: string;
  readonly toDate: string;
}

/**
 * Resolves `from`/`to` of a request (defaults: `to` = now, `from` = `to` minus the look-back).
 *
 * @throws ProviderError `PROVIDER_INVALID_REQUEST` for an unreadable time or from > to.
 */
export function resolveRequestRange(request: BarRequest, nowMs: number, provider: string): ResolvedRange {
  const parse = (time: string, end: boolean): number => {
    const ms = barTimeToEpochMs(time);
    if (ms === null) {
      throw new ProviderError(
        "PROVIDER_INVALID_REQUEST",
        `${provider}: not a bar time: ${JSON.stringify(time)}`,
        {
          provider,
        },
      );
    }
    return end && DATE_PATTERN.test(time) ? ms + DAY_MS - 1 : ms;
  };
  const toMs = request.to === undefined ? nowMs : parse(request.to, true);
  const fromMs =
    request.from === undefined
      ? Date.parse(`${localDateOf(toMs - DEFAULT_LOOKBACK_DAYS[request.timeframe] * DAY_MS)}T00:00:00+07:00`)
      : parse(request.from, false);
  if (fromMs > toMs) {
    throw new ProviderError(
      "PROVIDER_INVALID_REQUEST",
      `${provider}: from ${request.from} is after to ${request.to ?? "now"}`,
      { provider },
    );
  }
  return {
    timeframe: request.timeframe,
    fromMs,
    toMs,
    fromDate: localDateOf(fromMs),
    toDate: localDateOf(toMs),
  };
}

/** The unix-seconds window to ask a source for: whole local days for daily bars. */
export function requestWindowSeconds(range: ResolvedRange): { readonly from: number; readonly to: number } {
  if (isDailyOrLongerTimeframe(range.timeframe)) {
    const fromMs = Date.parse(`${range.fromDate}T00:00:00+07:00`);
    const toMs = Date.parse(`${range.toDate}T00:00:00+07:00`) + DAY_MS - 1;
    return { from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000) };
  }
  return { from: Math.floor(range.fromMs / 1000), to: Math.floor(range.toMs / 1000) };
}

/** True when a bar time (as {@link unixSecondsToBarTime} writes it) lies within the range. */
export function isWithinRange(time: string, range: ResolvedRange): boolean {
  if (isDailyOrLongerTimeframe(range.timeframe)) return time >= range.fromDate && time <= range.toDate;
  const ms = barTimeToEpochMs(time);
  return ms !== null && ms >= range.fromMs && ms <= range.toMs;
}
