/**
 * The market-data providers, by the name MARKET_DATA_PROVIDER and `vpa fetch --provider` take: the
 * one list the configuration, the CLI's option and help, the factory (provider-registry.ts) and the
 * status read. Plain data with no imports, because every `vpa` process validates its configuration
 * with it (`@vpa/market-data/provider-names`) and must not load the providers' code for that.
 *
 * A new provider is one file `<name>-provider.ts` and its name here; provider-registry.ts then
 * fails to compile until it maps the name to that file's factory.
 */
export const PROVIDER_NAMES = ["udf", "vietcap"] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Narrows a configuration string to a provider name. */
export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}
