// Market-data providers (HTTP) and the live bar stream (WebSocket); see the modules below.
export type { BackoffOptions } from "./http/backoff-delay.ts";
export { backoffDelayMs, DEFAULT_BACKOFF, retryAfterMs } from "./http/backoff-delay.ts";
export type { CircuitBreaker, CircuitBreakerOptions, CircuitPermit } from "./http/circuit-breaker.ts";
export { CIRCUIT_STATES, createCircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from "./http/circuit-breaker.ts";
export { SYSTEM_CLOCK } from "./http/clock.ts";
export type { ConcurrencyLimiter } from "./http/concurrency-limiter.ts";
export { createConcurrencyLimiter } from "./http/concurrency-limiter.ts";
export type { RateLimiter, RateSchedule } from "./http/rate-limiter.ts";
export { createRateLimiter, reserveRequestSlot } from "./http/rate-limiter.ts";
export type {
  HttpJsonRequest,
  ResilientHttpClient,
  ResilientHttpClientOptions,
} from "./http/resilient-http-client.ts";
export { createResilientHttpClient, HTTP_CLIENT_DEFAULTS } from "./http/resilient-http-client.ts";
export { CIRCUIT_STATE_METRIC, circuitStateValue } from "./providers/circuit-state-metric.ts";
export type { ProviderName } from "./providers/create-provider.ts";
export { createProvider, isProviderName, PROVIDER_NAMES } from "./providers/create-provider.ts";
export type { IncrementalBarRequest } from "./providers/fetch-bars-after.ts";
export { fetchBarsAfter } from "./providers/fetch-bars-after.ts";
export type { ProviderErrorCode, ProviderErrorDetails } from "./providers/provider-error.ts";
export { isTransientProviderError, PROVIDER_ERROR_CODES, ProviderError } from "./providers/provider-error.ts";
export { unixSecondsToBarTime } from "./providers/provider-time.ts";
export type {
  BarProvider,
  BarRequest,
  CircuitState,
  Clock,
  ProviderBar,
  ProviderHooks,
  ProviderOptions,
  ProviderTimeframe,
} from "./providers/provider-types.ts";
export { DEFAULT_LOOKBACK_DAYS, PROVIDER_TIMEFRAMES } from "./providers/provider-types.ts";
export { createUdfProvider } from "./providers/udf-provider.ts";
export { createVietcapProvider, VIETCAP_DEFAULT_PAGE_SIZE } from "./providers/vietcap-provider.ts";
