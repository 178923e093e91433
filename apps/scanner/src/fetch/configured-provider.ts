import {
  type BarProvider,
  circuitStateValue,
  createProvider,
  PROVIDER_NAMES,
  type ProviderName,
} from "@vpa/market-data";
import type { Config, Metrics } from "@vpa/runtime";

export class MarketDataNotConfiguredError extends Error {
  readonly code = "MARKET_DATA_NOT_CONFIGURED";
  constructor() {
    super(
      `no market-data source configured: set MARKET_DATA_URL (and MARKET_DATA_PROVIDER=${PROVIDER_NAMES.join("|")})`,
    );
    this.name = "MarketDataNotConfiguredError";
  }
}

/** The configured HTTP provider, its breaker state and request outcomes wired to the metrics. */
export function createConfiguredProvider(
  config: Config["marketData"],
  metrics: Metrics,
  overrides: { provider?: ProviderName; baseUrl?: string } = {},
): BarProvider {
  const baseUrl = overrides.baseUrl ?? config.baseUrl;
  if (baseUrl === null) throw new MarketDataNotConfiguredError();
  const name = overrides.provider ?? config.provider;
  metrics.circuitBreakerState.set({ provider: name }, 0);
  return createProvider(name, {
    baseUrl,
    timeoutMs: config.timeoutMs,
    maxConcurrent: config.maxConcurrent,
    requestsPerSecond: config.requestsPerSecond,
    hooks: {
      onCircuitStateChange: (provider, state) =>
        metrics.circuitBreakerState.set({ provider }, circuitStateValue(state)),
      onRequest: (provider, outcome) => metrics.providerRequests.inc({ provider, outcome }),
    },
  });
}
