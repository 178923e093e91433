/**
 * Vietcap's `POST /chart/OHLCChart/gap-chart` answer: an array with one column object per symbol
 * asked, `[{"symbol":"VCB","t":[...],"o":[...],"h":[...],"l":[...],"c":[...],"v":[...]}]`, `t` in
 * unix seconds (numbers or numeric strings), prices in **VND** (divided by 1000 here). `[]`, or an
 * object with empty columns, means no data.
 */

import type { RawProviderRow } from "./normalize-provider-bars.ts";
import { decodeOhlcvColumns, isRecord, stampsOf } from "./ohlcv-columns.ts";
import { ProviderError } from "./provider-error.ts";
import type { ProviderTimeframe } from "./provider-types.ts";

export interface VietcapPage {
  readonly rows: RawProviderRow[];
  /** Unix seconds as sent, for paging backwards. */
  readonly stamps: number[];
}

export function decodeVietcapGapChart(
  body: unknown,
  symbol: string,
  timeframe: ProviderTimeframe,
  provider: string,
): VietcapPage {
  if (!Array.isArray(body)) {
    throw new ProviderError("PROVIDER_BAD_RESPONSE", `${provider}: gap-chart answer is not an array`, {
      provider,
    });
  }
  if (body.length === 0) return { rows: [], stamps: [] };
  const entry = body.find((item) => isRecord(item) && item.symbol === symbol) ?? body[0];
  if (!isRecord(entry)) {
    throw new ProviderError("PROVIDER_BAD_RESPONSE", `${provider}: gap-chart entry is not an object`, {
      provider,
    });
  }
  if (typeof entry.symbol === "string" && entry.symbol !== symbol) {
    throw new ProviderError(
      "PROVIDER_BAD_RESPONSE",
      `${provider}: gap-chart answered for ${entry.symbol}, asked for ${symbol}`,
      { provider },
    );
  }
  return {
    rows: decodeOhlcvColumns(entry, { provider, timeframe, priceDivisor: 1000 }),
    stamps: stampsOf(entry),
  };
}

/** Vietcap's `timeFrame` values; the API has no other timeframe (no 5m, 15m, 30m or weekly). */
export const VIETCAP_TIME_FRAMES: Readonly<Partial<Record<ProviderTimeframe, string>>> = {
  "1D": "ONE_DAY",
  "1h": "ONE_HOUR",
  "1m": "ONE_MINUTE",
};
