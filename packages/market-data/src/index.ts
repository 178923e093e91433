// Market-data providers (HTTP), the live bar stream (WebSocket) and the checks of incoming bars.
export type {
  BarValueField,
  BarValueIssue,
  BarValueProblem,
  BarValues,
  BarValueTexts,
} from "./bar-validation/check-bar-values.ts";
export {
  BAR_VALUE_FIELDS,
  BAR_VALUE_PROBLEMS,
  checkBarValues,
  describePriceJump,
  findPriceJump,
  isPriceJump,
  priceJumpFactor,
} from "./bar-validation/check-bar-values.ts";
export {
  isMarketSymbol,
  MAX_SYMBOL_LENGTH,
  normalizeMarketSymbol,
  toAsciiUpperCase,
} from "./bar-validation/market-symbol.ts";
export { parsePlainDecimal } from "./bar-validation/plain-decimal.ts";
export { MAX_VOLUME, PRICE_JUMP_FACTOR, SANE_PRICE_RANGE } from "./bar-validation/sane-price-range.ts";
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
export { createProvider } from "./providers/create-provider.ts";
export type { IncrementalBarRequest } from "./providers/fetch-bars-after.ts";
export { fetchBarsAfter } from "./providers/fetch-bars-after.ts";
export type { ProviderErrorCode, ProviderErrorDetails } from "./providers/provider-error.ts";
export { isTransientProviderError, PROVIDER_ERROR_CODES, ProviderError } from "./providers/provider-error.ts";
export { isProviderName, PROVIDER_NAMES, type ProviderName } from "./providers/provider-names.ts";
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
export type {
  AggregateOutcome,
  AggregateResult,
  BarAggregator,
  BarAggregatorOptions,
  ClosedBar,
  StreamBar,
} from "./stream/bar-aggregator.ts";
export { createBarAggregator } from "./stream/bar-aggregator.ts";
export type { BackfillSource, BarLedgerCounters, BarStorePorts, LedgerEvent } from "./stream/bar-ledger.ts";
export { decodeStreamMessage } from "./stream/decode-stream-message.ts";
export { InvalidStreamMessageError } from "./stream/invalid-stream-message-error.ts";
export type {
  LiveBarStream,
  LiveBarStreamEvent,
  LiveBarStreamOptions,
  LiveBarStreamState,
  LiveBarStreamStatus,
  SymbolStreamStatus,
} from "./stream/live-bar-stream.ts";
export { createLiveBarStream } from "./stream/live-bar-stream.ts";
export type { SessionBucket, TradingBlock } from "./stream/session-bucket.ts";
export { sessionBucketAt, tradingBlocks } from "./stream/session-bucket.ts";
export type { SsiStreamMessage } from "./stream/ssi-bar-message.ts";
export { decodeSsiStreamMessage } from "./stream/ssi-bar-message.ts";
export type { BarUpdateEvent, StreamEvent, TickEvent } from "./stream/stream-event.ts";
export type { StreamTimeframe } from "./stream/stream-timeframe.ts";
export { isStreamTimeframe, STREAM_TIMEFRAMES } from "./stream/stream-timeframe.ts";
