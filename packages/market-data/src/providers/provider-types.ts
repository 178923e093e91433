import type { Bar } from "@vpa/core";
/**
 * Types of the HTTP market-data providers.
 *
 * Glossary:
 * - **provider**: one configured data source (`udf` = TradingView-UDF `GET /history` as VNDirect
 *   dchart and SSI iBoard serve it; `vietcap` = Vietcap's `POST /chart/OHLCChart/gap-chart`).
 * - **bar**: one OHLCV candle. Prices are **thousand VND** inside the system (23.45 = 23,450 VND);
 *   sources quoting VND are converted at the provider edge. Volume is in shares.
 * - **bar time**: `YYYY-MM-DD` (the local date in Asia/Ho_Chi_Minh) for 1D and 1W bars; an ISO
 *   instant with `+07:00` for intraday bars (the bar's start), e.g. `2024-01-02T09:15:00+07:00`.
 *   The same notation as `@vpa/db`'s bar-time.ts, so a {@link ProviderBar} is a `BarRow`.
 * - **attempt**: one HTTP exchange; a **request** is one logical call that may take several attempts
 *   (retries). The circuit breaker counts requests, the hooks report attempts.
 */

import type { BackoffOptions } from "../http/backoff-delay.ts";
import type { CircuitBreakerOptions, CircuitState } from "../http/circuit-breaker.ts";
import type { Clock } from "../http/clock.ts";

export type { CircuitState } from "../http/circuit-breaker.ts";
export type { Clock } from "../http/clock.ts";

/** One bar as the whole system passes it: vpa-core's `Bar` (prices in thousand VND). */
export type ProviderBar = Bar;

export const PROVIDER_TIMEFRAMES = ["1D", "1W", "1m", "5m", "15m", "30m", "1h"] as const;
export type ProviderTimeframe = (typeof PROVIDER_TIMEFRAMES)[number];

export interface BarRequest {
  /** Ticker or index as the source spells it (`VCB`, `VNINDEX`, `VN30F1M`). */
  readonly symbol: string;
  readonly timeframe: ProviderTimeframe;
  /**
   * First bar time wanted, inclusive, in bar-time notation (a date or an instant). Default: the
   * look-back of {@link DEFAULT_LOOKBACK_DAYS} before `to`.
   */
  readonly from?: string;
  /** Last bar time wanted, inclusive; a date means the whole local day. Default: now. */
  readonly to?: string;
}

export interface BarProvider {
  /** The configured name: "udf" or "vietcap". */
  readonly name: string;
  /**
   * The bars of `request`: oldest first, strictly increasing times, no duplicates, every bar valid
   * (invalid rows are dropped and reported through `hooks.onInvalidBar`), all within [from, to].
   * Rejects with a `ProviderError` (or the signal's reason when `signal` aborts).
   */
  fetchBars(request: BarRequest, signal?: AbortSignal): Promise<ProviderBar[]>;
  /** The circuit breaker's state now (the `circuit_breaker_state` metric reads it). */
  circuitState(): CircuitState;
  close?(): Promise<void>;
}

export interface ProviderHooks {
  /** The breaker changed state (wire it to the `circuit_breaker_state{provider}` gauge). */
  onCircuitStateChange?(provider: string, state: CircuitState): void;
  /**
   * One HTTP attempt ended: `ok`, `retry` (failed, another attempt follows) or `failed` (the
   * request gives up, or the answer cannot be retried). Not called when the breaker fails fast.
   */
  onRequest?(provider: string, outcome: "ok" | "retry" | "failed", ms: number): void;
  /**
   * A row of the response was dropped: `reason` is a stable code as in the importer
   * (`high-below-low`, `duplicate-time`...; see normalize-provider-bars.ts), `detail` says which row.
   */
  onInvalidBar?(provider: string, symbol: string, reason: string, detail: string): void;
}

export interface ProviderOptions {
  /** Name in errors, hooks and metrics. Default: the kind ("udf", "vietcap"); set it to tell two UDF sources apart. */
  readonly name?: string;
  /** Root of the source, e.g. `https://dchart-api.vndirect.com.vn/dchart` or `https://trading.vietcap.com.vn/api`. */
  readonly baseUrl: string;
  /** Time-out of one attempt, headers and body included (ms). Default 10,000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  readonly retries?: number;
  /** Default `{ baseMs: 250, maxMs: 5000, jitter: 0.5 }`. */
  readonly backoff?: BackoffOptions;
  /** Default `{ failureThreshold: 5, openMs: 30000 }`. */
  readonly breaker?: CircuitBreakerOptions;
  /** HTTP attempts in flight at once, across all calls of this provider. Default 4. */
  readonly maxConcurrent?: number;
  /** Attempt starts per second, evenly spaced. Default 5. */
  readonly requestsPerSecond?: number;
  /** A `Retry-After` longer than this (ms) is not waited for: the request fails. Default 60,000. */
  readonly maxRetryAfterMs?: number;
  /** Vietcap: bars per page (`countBack`). Default 1,000. */
  readonly pageSize?: number;
  /** Extra request headers (some sources want a Referer or User-Agent). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly hooks?: ProviderHooks;
  /** Default: the system clock. Tests inject one. */
  readonly clock?: Clock;
  /** [0, 1) source of the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Look-back when a request has no `from`, per timeframe (calendar days). */
export const DEFAULT_LOOKBACK_DAYS: Readonly<Record<ProviderTimeframe, number>> = {
  "1W": 3650,
  "1D": 1095,
  "1h": 180,
  "30m": 90,
  "15m": 60,
  "5m": 30,
  "1m": 7,
};
