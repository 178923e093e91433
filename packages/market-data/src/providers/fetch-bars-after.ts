import { barTimeToEpochMs, isDailyOrLongerTimeframe } from "./provider-time.ts";
import type { BarProvider, ProviderBar, ProviderTimeframe } from "./provider-types.ts";

export interface IncrementalBarRequest {
  readonly symbol: string;
  readonly timeframe: ProviderTimeframe;
  /** Time of the newest stored bar; undefined when nothing is stored (then the default look-back). */
  readonly after?: string;
  readonly to?: string;
}

/**
 * Incremental fetch: only the bars strictly after the newest stored one. The request starts AT
 * `after` (inclusive) and that bar is dropped here, so a source whose stamps differ from ours by
 * minutes (daily bars at 00:00 UTC vs local midnight) can never make us skip a day.
 *
 * @example
 * const latest = await listLatestBars(db, "1D", ["VCB"]);
 * const bars = await fetchBarsAfter(provider, { symbol: "VCB", timeframe: "1D", after: latest[0]?.time });
 */
export async function fetchBarsAfter(
  provider: BarProvider,
  request: IncrementalBarRequest,
  signal?: AbortSignal,
): Promise<ProviderBar[]> {
  const { after, ...rest } = request;
  const bars = await provider.fetchBars(after === undefined ? rest : { ...rest, from: after }, signal);
  if (after === undefined) return bars;
  if (isDailyOrLongerTimeframe(request.timeframe)) {
    const afterDate = after.slice(0, 10);
    return bars.filter((bar) => bar.time > afterDate);
  }
  const afterMs = barTimeToEpochMs(after) ?? Number.NEGATIVE_INFINITY;
  return bars.filter((bar) => (barTimeToEpochMs(bar.time) ?? 0) > afterMs);
}
