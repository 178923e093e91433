/**
 * The thin I/O edge of the providers: global `fetch` with, per request,
 *
 * 1. the circuit breaker (fail fast while open; one single-attempt trial when half-open),
 * 2. up to `retries` retries with exponential backoff and jitter, honouring `Retry-After` (up to
 *    `maxRetryAfterMs`); a retry is dropped when other requests opened the breaker meanwhile,
 * 3. per attempt: a slot of the concurrency limit, then a slot of the rate limit, then the HTTP
 *    exchange under a time-out covering headers and body, then decoding.
 *
 * Retried: network errors, time-outs, 429, 5xx, malformed or truncated JSON and bodies the decoder
 * rejects as `PROVIDER_BAD_RESPONSE`. Not retried: other 4xx and decoder errors with another code
 * (a retry cannot change the answer). The pure parts (backoff, breaker, rate schedule) live in
 * their own modules and are unit-tested with an injected clock.
 */
import { ProviderError } from "../providers/provider-error.ts";
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF, retryAfterMs } from "./backoff-delay.ts";
import {
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER,
} from "./circuit-breaker.ts";
import { type Clock, SYSTEM_CLOCK } from "./clock.ts";
import { createConcurrencyLimiter } from "./concurrency-limiter.ts";
import { createRateLimiter } from "./rate-limiter.ts";

export interface ResilientHttpClientOptions {
  /** Names the source in errors and hooks. */
  readonly name: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly backoff?: BackoffOptions;
  readonly breaker?: CircuitBreakerOptions;
  readonly maxConcurrent?: number;
  readonly requestsPerSecond?: number;
  readonly maxRetryAfterMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  readonly random?: () => number;
  onCircuitStateChange?(state: CircuitState): void;
  onAttempt?(outcome: "ok" | "retry" | "failed", ms: number): void;
}

export const HTTP_CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 4,
  maxConcurrent: 4,
  requestsPerSecond: 5,
  maxRetryAfterMs: 60_000,
} as const;

export interface HttpJsonRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export interface ResilientHttpClient {
  /**
   * Sends `request` and returns `decode(parsed JSON body)`. `decode` throws a `ProviderError`
   * `PROVIDER_BAD_RESPONSE` for a wrong shape (retried) or another code to stop at once.
   */
  requestJson<T>(request: HttpJsonRequest, decode: (body: unknown) => T, signal?: AbortSignal): Promise<T>;
  circuitState(): CircuitState;
}

type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: ProviderError;
      readonly retryable: boolean;
      readonly retryAfterMs: number | null;
    };

export function createResilientHttpClient(options: ResilientHttpClientOptions): ResilientHttpClient {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? HTTP_CLIENT_DEFAULTS.timeoutMs;
  const retries = options.retries ?? HTTP_CLIENT_DEFAULTS.retries;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? HTTP_CLIENT_DEFAULTS.maxRetryAfterMs;
  const provider = options.name;
  const breaker = createCircuitBreaker(
    options.breaker ?? DEFAULT_CIRCUIT_BREAKER,
    () => clock.now(),
    (state) => options.onCircuitStateChange?.(state),
  );
  const limiter = createConcurrencyLimiter(options.maxConcurrent ?? HTTP_CLIENT_DEFAULTS.maxConcurrent);
  const rateLimiter = createRateLimiter(
    options.requestsPerSecond ?? HTTP_CLIENT_DEFAULTS.requestsPerSecond,
    clock,
  );

  const failure = <T>(
    code: "PROVIDER_UNAVAILABLE" | "PROVIDER_BAD_RESPONSE" | "PROVIDER_REQUEST_REJECTED",
    message: string,
    extra: { cause?: unknown; status?: number; retryAfterMs?: number | null } = {},
  ): AttemptResult<T> => ({
    ok: false,
    retryable: code !== "PROVIDER_REQUEST_REJECTED",
    retryAfterMs: extra.retryAfterMs ?? null,
    error: new ProviderError(code, `${provider}: ${message}`, {
      provider,
      cause: extra.cause,
      status: extra.status,
      retryAfterMs: extra.retryAfterMs ?? undefined,
    }),
  });

  async function attempt<T>(
    request: HttpJsonRequest,
    decode: (body: unknown) => T,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult<T>> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    let retryAfterHeader: string | null;
    try {
      const headers: Record<string, string> = { accept: "application/json", ...options.headers };
      if (request.body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: combined,
      });
      status = response.status;
      retryAfterHeader = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        return failure(
          "PROVIDER_UNAVAILABLE",
          `${request.method} ${request.url} timed out after ${timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      return failure("PROVIDER_UNAVAILABLE", `${request.method} ${request.url} failed: ${describe(error)}`, {
        cause: error,
      });
    }
    if (status === 429 || status >= 500) {
      return failure("PROVIDER_UNAVAILABLE", `${request.method} ${request.url} answered HTTP ${status}`, {
        status,
        retryAfterMs: retryAfterMs(retryAfterHeader, clock.now()),
      });
    }
    if (status < 200 || status >= 300) {
      return failure(
        "PROVIDER_REQUEST_REJECTED",
        `${request.method} ${request.url} answered HTTP ${status}`,
        {
          status,
        },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return failure(
        "PROVIDER_BAD_RESPONSE",
        `${request.method} ${request.url}: body is not JSON (${text.length} chars: ${JSON.stringify(text.slice(0, 80))})`,
        { cause: error, status },
      );
    }
    try {
      return { ok: true, value: decode(body) };
    } catch (error) {
      if (error instanceof ProviderError) {
        return { ok: false, error, retryable: error.code === "PROVIDER_BAD_RESPONSE", retryAfterMs: null };
      }
      return failure("PROVIDER_BAD_RESPONSE", `${request.url}: ${describe(error)}`, { cause: error, status });
    }
  }

  return {
    circuitState: () => breaker.state(),
    async requestJson<T>(
      request: HttpJsonRequest,
      decode: (body: unknown) => T,
      signal?: AbortSignal,
    ): Promise<T> {
      signal?.throwIfAborted();
      const permit = breaker.acquire();
      if (!permit.allowed) {
        throw new ProviderError("PROVIDER_CIRCUIT_OPEN", `${provider}: circuit breaker open, not asking`, {
          provider,
          retryAfterMs: permit.retryInMs,
        });
      }
      // The half-open trial is one attempt: its answer alone decides the breaker's state.
      const attempts = permit.trial ? 1 : retries + 1;
      try {
        for (let index = 0; ; index++) {
          const release = await limiter.acquire(signal);
          let result: AttemptResult<T>;
          let started = clock.now();
          try {
            await rateLimiter.wait(signal);
            started = clock.now();
            result = await attempt(request, decode, signal);
          } finally {
            release();
          }
          const ms = clock.now() - started;
          if (result.ok) {
            breaker.recordSuccess();
            options.onAttempt?.("ok", ms);
            return result.value;
          }
          const waitMs = result.retryable ? nextDelay(index, result.retryAfterMs) : null;
          if (!result.retryable || index + 1 >= attempts || waitMs === null) {
            options.onAttempt?.("failed", ms);
            // A refusal (4xx) is an answer: the provider is up, so it counts as success for the breaker.
            if (result.retryable) breaker.recordFailure();
            else breaker.recordSuccess();
            throw result.error;
          }
          options.onAttempt?.("retry", ms);
          await clock.sleep(waitMs, signal);
          // Other requests may have opened the breaker meanwhile: stop adding load to a source
          // that is down (this request's failure is already part of the picture).
          if (breaker.state() !== "closed") {
            throw new ProviderError(
              "PROVIDER_CIRCUIT_OPEN",
              `${provider}: circuit breaker opened, not retrying`,
              {
                provider,
                cause: result.error,
              },
            );
          }
        }
      } catch (error) {
        if (signal?.aborted) breaker.release(permit);
        throw error;
      }
    },
  };

  /** The wait before retry `index + 1`, or null when the server asks for longer than we wait. */
  function nextDelay(index: number, serverAskedMs: number | null): number | null {
    const delay = backoffDelayMs(index, backoff, random);
    if (serverAskedMs === null) return delay;
    if (serverAskedMs > maxRetryAfterMs) return null;
    return Math.max(delay, serverAskedMs);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
