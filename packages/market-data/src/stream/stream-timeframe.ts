/**
 * Intraday timeframes the live stream builds bars of, and the bar-time notation it writes:
 * `YYYY-MM-DDTHH:MM:SS+07:00`, the bar's OPEN time in Asia/Ho_Chi_Minh — the same string
 * `@vpa/db`'s `dateToBarTime` produces, so analyze job ids derived from it match a scan's.
 */
export const STREAM_TIMEFRAMES = ["1m", "5m", "15m", "30m", "1h"] as const;

export type StreamTimeframe = (typeof STREAM_TIMEFRAMES)[number];

/** Length of one bar of each timeframe, in minutes. */
export const TIMEFRAME_MINUTES: Readonly<Record<StreamTimeframe, number>> = {
  "1m": 1,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
};

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

export function isStreamTimeframe(value: string): value is StreamTimeframe {
  return (STREAM_TIMEFRAMES as readonly string[]).includes(value);
}

/** Milliseconds of one bar of `timeframe`. */
export function timeframeMs(timeframe: StreamTimeframe): number {
  return TIMEFRAME_MINUTES[timeframe] * 60_000;
}

/**
 * An instant as a bar time with the Vietnam offset.
 *
 * @example
 * formatBarTime(Date.parse("2024-01-02T02:15:00Z")); // "2024-01-02T09:15:00+07:00"
 */
export function formatBarTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError("bar time is not a valid instant");
  return `${new Date(epochMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * Epoch milliseconds of an ISO instant (any offset). A time without an offset is Vietnam local
 * time (never the process's time zone); a date alone is local midnight.
 *
 * @example
 * parseBarTime("2024-01-02T09:15:00+07:00"); // 1704161700000
 * parseBarTime("2024-01-02 09:15:00");       // 1704161700000
 * @throws RangeError when the text is no instant.
 */
export function parseBarTime(text: string): number {
  const local = LOCAL_DATE_TIME.exec(text);
  const ms = local
    ? Date.parse(`${local[1]}T${local[2]}+07:00`)
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? Date.parse(`${text}T00:00:00+07:00`)
      : Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`not a bar time: ${JSON.stringify(text)}`);
  return ms;
}
