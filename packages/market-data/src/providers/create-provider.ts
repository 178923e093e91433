import type { BarProvider, ProviderOptions } from "./provider-types.ts";
import { createUdfProvider } from "./udf-provider.ts";
import { createVietcapProvider } from "./vietcap-provider.ts";

export const PROVIDER_NAMES = ["udf", "vietcap"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * The provider a configuration names.
 *
 * @example
 * const provider = createProvider(config.marketDataProvider, { baseUrl: config.marketDataBaseUrl });
 */
export function createProvider(name: ProviderName, options: ProviderOptions): BarProvider {
  switch (name) {
    case "udf":
      return createUdfProvider(options);
    case "vietcap":
      return createVietcapProvider(options);
    default: {
      const unknown: never = name;
      throw new RangeError(
        `unknown market-data provider ${JSON.stringify(unknown)}; known: ${PROVIDER_NAMES.join(", ")}`,
      );
    }
  }
}

/** Narrows a configuration string to a provider name. */
export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}
