/**
 * TradingView-UDF provider (VNDirect dchart, SSI iBoard):
 * `GET {baseUrl}/history?symbol=VCB&resolution=D&from=<unix s>&to=<unix s>`, both bounds inclusive,
 * prices in thousand VND (used as they come). One request per call: UDF servers answer a whole
 * range at once. See udf-history-response.ts for the answer shapes.
 *
 * @example
 * const udf = createUdfProvider({ baseUrl: "https://dchart-api.vndirect.com.vn/dchart" });
 * await udf.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2024-01-02", to: "2024-01-31" });
 */
import { SYSTEM_CLOCK } from "../http/clock.ts";
import { checkBarRequest, createProviderHttpClient, finishBars, joinUrl } from "./provider-http-client.ts";
import { requestWindowSeconds, resolveRequestRange } from "./provider-time.ts";
import type { BarProvider, ProviderOptions } from "./provider-types.ts";
import { decodeUdfHistory, UDF_RESOLUTIONS } from "./udf-history-response.ts";

export function createUdfProvider(options: ProviderOptions): BarProvider {
  const name = options.name ?? "udf";
  const clock = options.clock ?? SYSTEM_CLOCK;
  const client = createProviderHttpClient(name, options);
  const historyUrl = joinUrl(options.baseUrl, "history");
  return {
    name,
    circuitState: () => client.circuitState(),
    async fetchBars(request, signal) {
      checkBarRequest(request, name);
      const range = resolveRequestRange(request, clock.now(), name);
      const window = requestWindowSeconds(range);
      const url = new URL(historyUrl);
      url.searchParams.set("symbol", request.symbol);
      url.searchParams.set("resolution", UDF_RESOLUTIONS[request.timeframe]);
      url.searchParams.set("from", String(window.from));
      url.searchParams.set("to", String(window.to));
      const rows = await client.requestJson(
        { method: "GET", url: url.toString() },
        (body) => decodeUdfHistory(body, request.timeframe, name),
        signal,
      );
      return finishBars(rows, range, name, request.symbol, options);
    },
  };
}
