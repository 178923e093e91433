import { type Database, listSignals, loadSymbolChartBars } from "@vpa/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { ChartCache, ChartCacheKey } from "../chart/redis-chart-cache.ts";
import { renderChartPng } from "../chart/render-chart-png.ts";
import { renderChartSvg } from "../chart/render-chart-svg.ts";
import { SUPPORT_RESISTANCE_LOOKBACK } from "../chart/support-resistance.ts";
import { symbolChartInput } from "../chart/symbol-chart-input.ts";
import type { MessageImage } from "../render/rendered-message.ts";

/**
 * /chart SYM: fewer bars than this and there is nothing worth drawing (the support and
 * resistance lines need the 20 bars before the marked one).
 */
export const MIN_CHART_BARS = SUPPORT_RESISTANCE_LOOKBACK;

/** The newest stored signal a /chart marks, with what its caption says about it. */
export interface ChartedSymbolSignal {
  readonly time: string;
  readonly type: string;
  readonly variant: string | null;
  readonly bias: "bull" | "bear";
  readonly score: number;
}

export type SymbolChart =
  | { readonly kind: "unknown-symbol" }
  | { readonly kind: "too-few-bars"; readonly bars: number }
  | {
      readonly kind: "chart";
      readonly image: MessageImage;
      readonly symbol: string;
      readonly exchange: string | null;
      /** The newest bar's time and close (thousand VND), and the close before it (null: none). */
      readonly lastTime: string;
      readonly lastClose: number;
      readonly previousClose: number | null;
      /** Bars drawn. */
      readonly bars: number;
      readonly signal: ChartedSymbolSignal | null;
    };

export interface SymbolCharts {
  /** The chart of a symbol's newest daily bars, from the cache or drawn (and cached) now. */
  chartOf(symbol: string): Promise<SymbolChart>;
}

/**
 * The bot's charts: the alerts' renderer and Redis cache. When the newest signal is on the newest
 * bar the drawing is that alert's, cached under the signal's id (an alert already delivered
 * shares it); otherwise under `symbol:<SYM>:<last bar>:<signal id|none>`, so a new bar or a new
 * signal draws a new chart and nothing needs invalidating. Without a cache every /chart draws.
 */
export function createSymbolCharts(options: {
  readonly db: Kysely<Database>;
  readonly cache?: ChartCache;
  readonly logger: Logger;
}): SymbolCharts {
  const logger = options.logger.child({ module: "symbol-charts" });
  return {
    async chartOf(symbol) {
      const stored = await loadSymbolChartBars(options.db, symbol);
      if (stored === null) return { kind: "unknown-symbol" };
      const { bars } = stored;
      if (bars.length < MIN_CHART_BARS) return { kind: "too-few-bars", bars: bars.length };
      const last = bars.at(-1)!;
      const [newest] = await listSignals(options.db, {
        symbol: stored.symbol,
        timeframe: "1D",
        since: bars[0]!.time,
        limit: 1,
      });
      const signal = newest !== undefined && newest.time <= last.time ? newest : null;
      const key: ChartCacheKey =
        signal !== null && signal.time === last.time
          ? signal.id
          : `symbol:${stored.symbol}:${last.time}:${signal?.id ?? "none"}`;
      let image = await readCache(options.cache, key, logger);
      if (image === null) {
        const chart = symbolChartInput({ symbol: stored.symbol, exchange: stored.exchange, bars, signal });
        if (chart === null) return { kind: "too-few-bars", bars: 0 };
        image = { png: await renderChartPng(renderChartSvg(chart.input)), alt: chart.alt };
        await options.cache?.set(key, image).catch((err: unknown) => {
          logger.warn({ err, symbol }, "could not cache the chart; the next /chart draws it again");
        });
      }
      return {
        kind: "chart",
        image,
        symbol: stored.symbol,
        exchange: stored.exchange,
        lastTime: last.time,
        lastClose: last.close,
        previousClose: bars.at(-2)?.close ?? null,
        bars: bars.length,
        signal:
          signal === null
            ? null
            : {
                time: signal.time,
                type: signal.type,
                variant: signal.variant,
                bias: signal.bias,
                score: signal.score,
              },
      };
    },
  };
}

async function readCache(
  cache: ChartCache | undefined,
  key: ChartCacheKey,
  logger: Logger,
): Promise<MessageImage | null> {
  if (cache === undefined) return null;
  try {
    return await cache.get(key);
  } catch (err) {
    logger.warn({ err, key }, "chart cache unreadable; drawing the chart");
    return null;
  }
}
