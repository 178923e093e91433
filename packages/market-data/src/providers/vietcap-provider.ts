/**
 * Vietcap provider: `POST {baseUrl}/chart/OHLCChart/gap-chart` with
 * `{"timeFrame":"ONE_DAY"|"ONE_HOUR"|"ONE_MINUTE","symbols":["VCB"],"to":<unix s>,"countBack":N}`,
 * which answers the last N bars at or before `to`, prices in VND (→ thousand VND here).
 *
 * Only the API's own timeframes are served (1D, 1h, 1m); others reject with `PROVIDER_UNSUPPORTED`
 * rather than being aggregated from minutes behind the caller's back.
 *
 * Paging: the first page asks `to` = the end of the range; each next page asks `to` = (oldest stamp
 * received − 1 s), so pages never overlap whether the server reads `to` as inclusive or exclusive.
 * It stops when the oldest bar reaches `from` or a page brings nothing older (history exhausted).
 * A short page is NOT taken as the end: a server may cap `countBack` below what was asked.
 *
 * @example
 * const vci = createVietcapProvider({ baseUrl: "https://trading.vietcap.com.vn/api" });
 * await vci.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-02", to: "2024-12-31" });
 */
import { SYSTEM_CLOCK } from "../http/clock.ts";
import type { RawProviderRow } from "./normalize-provider-bars.ts";
import { ProviderError } from "./provider-error.ts";
import { checkBarRequest, createProviderHttpClient, finishBars, joinUrl } from "./provider-http-client.ts";
import { requestWindowSeconds, resolveRequestRange, TIMEFRAME_SECONDS } from "./provider-time.ts";
import type { BarProvider, ProviderOptions } from "./provider-types.ts";
import { decodeVietcapGapChart, VIETCAP_TIME_FRAMES } from "./vietcap-gap-chart-response.ts";

/** Default `countBack` per page. */
export const VIETCAP_DEFAULT_PAGE_SIZE = 1000;

export function createVietcapProvider(options: ProviderOptions): BarProvider {
  const name = options.name ?? "vietcap";
  const clock = options.clock ?? SYSTEM_CLOCK;
  const pageSize = options.pageSize ?? VIETCAP_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be ≥ 1: ${pageSize}`);
  const client = createProviderHttpClient(name, options);
  const chartUrl = joinUrl(options.baseUrl, "chart/OHLCChart/gap-chart");
  return {
    name,
    circuitState: () => client.circuitState(),
    async fetchBars(request, signal) {
      checkBarRequest(request, name);
      const timeFrame = VIETCAP_TIME_FRAMES[request.timeframe];
      if (timeFrame === undefined) {
        throw new ProviderError(
          "PROVIDER_UNSUPPORTED",
          `${name}: timeframe ${request.timeframe} is not served by gap-chart (only 1D, 1h, 1m)`,
          { provider: name },
        );
      }
      const range = resolveRequestRange(request, clock.now(), name);
      const window = requestWindowSeconds(range);
      const barSeconds = TIMEFRAME_SECONDS[request.timeframe];
      const rows: RawProviderRow[] = [];
      // +1: the bar stamped exactly at `to` is kept even by a server that reads `to` as exclusive.
      let to = window.to + 1;
      let olderThan = Number.POSITIVE_INFINITY;
      for (;;) {
        // Never more bars than can fit in the rest of the range (one per bar length), nor a page.
        const countBack = Math.min(pageSize, Math.ceil((to - window.from) / barSeconds) + 1);
        const page = await client.requestJson(
          {
            method: "POST",
            url: chartUrl,
            body: { timeFrame, symbols: [request.symbol], to, countBack },
          },
          (body) => decodeVietcapGapChart(body, request.symbol, request.timeframe, name),
          signal,
        );
        let oldest = Number.POSITIVE_INFINITY;
        let fresh = 0;
        page.rows.forEach((row, index) => {
          const stamp = page.stamps[index] ?? Number.NaN;
          if (Number.isFinite(stamp)) {
            if (stamp >= olderThan) return; // already received on a newer page
            oldest = Math.min(oldest, stamp);
            fresh += 1;
          }
          rows.push(row); // rows with unusable stamps go on to be reported as bad-date
        });
        if (fresh === 0) {
          if (page.rows.length >= countBack && page.rows.length > 0) {
            throw new ProviderError(
              "PROVIDER_BAD_RESPONSE",
              `${name}: gap-chart answered a full page with nothing before ${olderThan} (is "to" ignored?)`,
              { provider: name },
            );
          }
          break;
        }
        if (oldest <= window.from) break;
        olderThan = oldest;
        to = oldest - 1;
      }
      return finishBars(rows, range, name, request.symbol, options);
    },
  };
}
