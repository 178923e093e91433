/**
 * The TradingView-UDF `/history` answer (VNDirect dchart, SSI iBoard), prices in thousand VND:
 *
 * - `{"s":"ok","t":[...],"o":[...],"h":[...],"l":[...],"c":[...],"v":[...]}`: the bars;
 * - `{"s":"no_data"}` (possibly with `nextTime`): no bar in the range → [];
 * - `{"s":"error","errmsg":"..."}`: the source refuses the request → `PROVIDER_REQUEST_REJECTED`
 *   (not retried);
 * - anything else → `PROVIDER_BAD_RESPONSE` (retried).
 */

import type { RawProviderRow } from "./normalize-provider-bars.ts";
import { decodeOhlcvColumns, isRecord } from "./ohlcv-columns.ts";
import { ProviderError } from "./provider-error.ts";
import type { ProviderTimeframe } from "./provider-types.ts";

export function decodeUdfHistory(
  body: unknown,
  timeframe: ProviderTimeframe,
  provider: string,
): RawProviderRow[] {
  if (!isRecord(body)) {
    throw new ProviderError("PROVIDER_BAD_RESPONSE", `${provider}: /history answer is not an object`, {
      provider,
    });
  }
  switch (body.s) {
    case "no_data":
      return [];
    case "ok":
      return decodeOhlcvColumns(body, { provider, timeframe, priceDivisor: 1 });
    case "error":
      throw new ProviderError(
        "PROVIDER_REQUEST_REJECTED",
        `${provider}: /history refused: ${typeof body.errmsg === "string" ? body.errmsg : "(no errmsg)"}`,
        { provider },
      );
    default:
      throw new ProviderError(
        "PROVIDER_BAD_RESPONSE",
        `${provider}: /history status ${JSON.stringify(body.s)}`,
        {
          provider,
        },
      );
  }
}

/** UDF resolution of each timeframe. */
export const UDF_RESOLUTIONS: Readonly<Record<ProviderTimeframe, string>> = {
  "1m": "1",
  "5m": "5",
  "15m": "15",
  "30m": "30",
  "1h": "60",
  "1D": "D",
  "1W": "W",
};
