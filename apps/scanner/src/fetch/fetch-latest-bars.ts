import {
  type Database,
  listActiveStocks,
  listLatestBars,
  type Timeframe,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { type BarProvider, fetchBarsAfter } from "@vpa/market-data";
import type { Kysely } from "kysely";

export interface FetchOptions {
  readonly timeframe: Timeframe;
  /** Default: every active stock. Unknown symbols are added to `stocks`. */
  readonly symbols?: readonly string[];
  /** First bar wanted when a symbol has nothing stored yet (default: the provider's look-back). */
  readonly from?: string;
  /** Last bar wanted (default: now). */
  readonly to?: string;
  /** Symbols fetched at once; the provider's own concurrency and rate limits still apply. Default 8. */
  readonly parallel?: number;
  readonly onSymbol?: (symbol: string, bars: number, error: Error | null) => void;
}

export interface FetchSummary {
  readonly symbols: number;
  /** Bars the provider returned after each symbol's newest stored bar. */
  readonly barsFetched: number;
  readonly barsWritten: number;
  /** Symbols that got at least one new bar, with the first and newest new bar (to scan them). */
  readonly updated: { readonly symbol: string; readonly oldest: string; readonly newest: string }[];
  readonly failed: { readonly symbol: string; readonly error: string }[];
}

/**
 * Incremental fetch: for each symbol, only the bars after its newest stored one (or from `from`
 * when it has none), stored idempotently. A symbol whose fetch fails is reported and the others go
 * on: one bad symbol or a provider outage never loses the bars already fetched.
 */
export async function fetchLatestBars(
  db: Kysely<Database>,
  provider: BarProvider,
  options: FetchOptions,
): Promise<FetchSummary> {
  const stocks = options.symbols === undefined ? await listActiveStocks(db) : [];
  const ids =
    options.symbols === undefined
      ? new Map(stocks.map((s) => [s.symbol, s.id]))
      : await upsertStocks(
          db,
          options.symbols.map((symbol) => ({ symbol })),
        );
  const symbols = [...ids.keys()].sort();
  const latest = new Map(
    (await listLatestBars(db, options.timeframe, symbols)).map((l) => [l.symbol, l.time]),
  );
  let barsFetched = 0;
  let barsWritten = 0;
  const updated: FetchSummary["updated"] = [];
  const failed: FetchSummary["failed"] = [];

  let next = 0;
  const work = async () => {
    while (next < symbols.length) {
      const symbol = symbols[next++] as string;
      try {
        const after = latest.get(symbol);
        const to = options.to === undefined ? {} : { to: options.to };
        const bars =
          after === undefined
            ? await provider.fetchBars({
                symbol,
                timeframe: options.timeframe,
                ...(options.from === undefined ? {} : { from: options.from }),
                ...to,
              })
            : await fetchBarsAfter(provider, { symbol, timeframe: options.timeframe, after, ...to });
        barsFetched += bars.length;
        if (bars.length > 0) {
          barsWritten += (await upsertBars(db, ids.get(symbol) as number, options.timeframe, bars)).written;
          updated.push({
            symbol,
            oldest: (bars[0] as { time: string }).time,
            newest: (bars.at(-1) as { time: string }).time,
          });
        }
        options.onSymbol?.(symbol, bars.length, null);
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        failed.push({ symbol, error: err.message });
        options.onSymbol?.(symbol, 0, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 8) }, work));
  updated.sort((a, b) => a.symbol.localeCompare(b.symbol));
  failed.sort((a, b) => a.symbol.localeCompare(b.symbol));
  return { symbols: symbols.length, barsFetched, barsWritten, updated, failed };
}
