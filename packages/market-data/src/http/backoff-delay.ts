/** Exponential backoff with jitter; see {@link backoffDelayMs}. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (ms). */
  readonly baseMs: number;
  /** Cap of the exponential growth (ms). */
  readonly maxMs: number;
  /**
   * Fraction 0..1 of the delay that is random: the delay is drawn uniformly from
   * `[d × (1 − jitter), d]`. 0 = no jitter, 1 = "full jitter". Jitter keeps many clients that failed
   * together from retrying together.
   */
  readonly jitter: number;
}

/** Defaults: 250 ms, doubling, capped at 5 s, half of it random. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 5_000, jitter: 0.5 };

/**
 * The wait before retry number `retry` (0 = the first retry): `min(maxMs, baseMs × 2^retry)`, then
 * reduced by up to `jitter` of itself. `random` returns [0, 1) (inject it in tests).
 *
 * @example
 * backoffDelayMs(0, { baseMs: 100, maxMs: 1000, jitter: 0 }, Math.random); // 100
 * backoffDelayMs(3, { baseMs: 100, maxMs: 1000, jitter: 0 }, Math.random); // 800
 * backoffDelayMs(9, { baseMs: 100, maxMs: 1000, jitter: 0.5 }, () => 1);   // ~500 (1000 − half of it)
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number): number {
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry));
  const draw = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(exponential * (1 - jitter * draw)));
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delay-seconds (`"3"`) or an HTTP date. Null
 * when absent or unreadable (the caller then uses its own backoff); never negative.
 *
 * @example
 * retryAfterMs("2", 0);                                                // 2000
 * retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("2015-10-21T07:28:00Z")); // 5000
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date has a weekday and month name; a bare "-5" would otherwise parse as a year.
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
