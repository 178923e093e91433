import type { ProviderName } from "./provider-names.ts";
import type { BarProvider, ProviderOptions } from "./provider-types.ts";
import { createUdfProvider } from "./udf-provider.ts";
import { createVietcapProvider } from "./vietcap-provider.ts";

/**
 * Each provider's factory, by its name in PROVIDER_NAMES (provider-names.ts): a name without a
 * factory, or a factory without a name, does not compile.
 */
const PROVIDER_FACTORIES: { readonly [Name in ProviderName]: (options: ProviderOptions) => BarProvider } = {
  udf: createUdfProvider,
  vietcap: createVietcapProvider,
};

/**
 * The provider a configuration names.
 *
 * @example
 * const provider = createProvider(config.marketData.provider, { baseUrl: config.marketData.baseUrl });
 */
export function createProvider(name: ProviderName, options: ProviderOptions): BarProvider {
  return PROVIDER_FACTORIES[name](options);
}
