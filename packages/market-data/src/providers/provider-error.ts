/**
 * Stable codes of {@link ProviderError}:
 * - `PROVIDER_UNAVAILABLE`: network error, time-out, 429 or 5xx, still failing after the retries.
 * - `PROVIDER_BAD_RESPONSE`: the body was not the documented shape (malformed or truncated JSON,
 *   columns of different lengths...), still after the retries.
 * - `PROVIDER_REQUEST_REJECTED`: the provider refused the request (4xx other than 429,
 *   `{"s":"error"}`); not retried, a retry cannot help.
 * - `PROVIDER_CIRCUIT_OPEN`: the circuit breaker is open; the server was not asked.
 * - `PROVIDER_UNSUPPORTED`: the provider has no such timeframe (Vietcap: 1D, 1h and 1m only).
 * - `PROVIDER_INVALID_REQUEST`: the request itself is wrong (unknown symbol syntax, from > to).
 */
export const PROVIDER_ERROR_CODES = [
  "PROVIDER_UNAVAILABLE",
  "PROVIDER_BAD_RESPONSE",
  "PROVIDER_REQUEST_REJECTED",
  "PROVIDER_CIRCUIT_OPEN",
  "PROVIDER_UNSUPPORTED",
  "PROVIDER_INVALID_REQUEST",
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export interface ProviderErrorDetails {
  /** The provider's configured name ("udf", "vietcap"). */
  readonly provider: string;
  readonly cause?: unknown;
  /** The HTTP status of the last attempt, when there was one. */
  readonly status?: number;
  /** How long the server asked to wait (Retry-After), or how long the breaker stays open (ms). */
  readonly retryAfterMs?: number;
}

/**
 * Every failure of a market-data provider. Retry decisions for callers: `PROVIDER_UNAVAILABLE`,
 * `PROVIDER_BAD_RESPONSE` and `PROVIDER_CIRCUIT_OPEN` may pass later; the others will not.
 */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly code: ProviderErrorCode;
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ProviderErrorCode, message: string, details: ProviderErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True for the errors a later attempt may not see (the caller may retry the job). */
export function isTransientProviderError(error: unknown): boolean {
  return (
    error instanceof ProviderError &&
    (error.code === "PROVIDER_UNAVAILABLE" ||
      error.code === "PROVIDER_BAD_RESPONSE" ||
      error.code === "PROVIDER_CIRCUIT_OPEN")
  );
}
