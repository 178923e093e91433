import { createResilientHttpClient, type ResilientHttpClient } from "../http/resilient-http-client.ts";
import { normalizeProviderBars, type RawProviderRow } from "./normalize-provider-bars.ts";
import { ProviderError } from "./provider-error.ts";
import type { ResolvedRange } from "./provider-time.ts";
import {
  type BarRequest,
  PROVIDER_TIMEFRAMES,
  type ProviderBar,
  type ProviderOptions,
} from "./provider-types.ts";

/** The resilient client of one provider, its hooks bound to the provider's name. */
export function createProviderHttpClient(name: string, options: ProviderOptions): ResilientHttpClient {
  const hooks = options.hooks;
  return createResilientHttpClient({
    name,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    backoff: options.backoff,
    breaker: options.breaker,
    maxConcurrent: options.maxConcurrent,
    requestsPerSecond: options.requestsPerSecond,
    maxRetryAfterMs: options.maxRetryAfterMs,
    headers: options.headers,
    clock: options.clock,
    random: options.random,
    onCircuitStateChange: (state) => hooks?.onCircuitStateChange?.(name, state),
    onAttempt: (outcome, ms) => hooks?.onRequest?.(name, outcome, ms),
  });
}

/** `https://host/api/` + `/history` → `https://host/api/history`. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

// Tickers, indices (`VNINDEX`, `HNX-INDEX`), futures (`VN30F2406`), covered warrants.
const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,19}$/;

/** Rejects a malformed request before any HTTP: a retry could never fix it. */
export function checkBarRequest(request: BarRequest, provider: string): void {
  if (!SYMBOL_PATTERN.test(request.symbol)) {
    throw new ProviderError(
      "PROVIDER_INVALID_REQUEST",
      `${provider}: bad symbol ${JSON.stringify(request.symbol)}`,
      {
        provider,
      },
    );
  }
  if (!(PROVIDER_TIMEFRAMES as readonly string[]).includes(request.timeframe)) {
    throw new ProviderError(
      "PROVIDER_UNSUPPORTED",
      `${provider}: unknown timeframe ${String(request.timeframe)}`,
      {
        provider,
      },
    );
  }
}

/** Normalizes rows, reporting dropped ones through the provider's `onInvalidBar` hook. */
export function finishBars(
  rows: readonly RawProviderRow[],
  range: ResolvedRange,
  provider: string,
  symbol: string,
  options: ProviderOptions,
): ProviderBar[] {
  return normalizeProviderBars(rows, range, (reason, detail) =>
    options.hooks?.onInvalidBar?.(provider, symbol, reason, detail),
  );
}
