import { findSymbol, listSignalPage, listSymbols, loadBarRange } from "@vpa/db";
import { z } from "zod";
import { type ApiContext, readDatabaseOf } from "../api-context.ts";
import { ApiProblem } from "../api-problem.ts";
import { type ApiRoute, defineRoute, querySchema } from "../api-route.ts";
import {
  barSchema,
  barTimeField,
  exchangeField,
  integerField,
  symbolField,
  timeframeField,
} from "../api-schemas.ts";
import { renderSymbolChartSvg } from "../chart/render-symbol-chart-svg.ts";

const symbolSchema = z.object({
  symbol: z.string(),
  name: z.string().nullable(),
  sector: z.string().nullable(),
  exchange: z.string().nullable(),
  isIndex: z.boolean(),
});

const symbolParams = z.strictObject({ symbol: symbolField });

const barsQuery = querySchema({
  timeframe: timeframeField.default("1D"),
  from: barTimeField.optional().describe("First bar time (inclusive)"),
  to: barTimeField.optional().describe("Last bar time (inclusive)"),
  limit: integerField(1, 5_000).default(250).describe("The newest bars of the range, at most this many"),
});

const chartQuery = querySchema({
  timeframe: timeframeField.default("1D"),
  until: barTimeField.optional().describe("Last bar time (inclusive); default the newest"),
  limit: integerField(10, 500).default(120),
});

async function requireSymbol(context: ApiContext, symbol: string) {
  const found = await findSymbol(readDatabaseOf(context), symbol);
  if (found === undefined) throw new ApiProblem("NOT_FOUND", `no symbol ${symbol}`);
  return found;
}

export function symbolRoutes(context: ApiContext): ApiRoute[] {
  // Read-only: symbols, bars and charts, from the read replica when there is one.
  const reads = readDatabaseOf(context);
  return [
    defineRoute({
      method: "GET",
      path: "/symbols",
      role: "reader",
      cacheMs: 1_000,
      tag: "symbols",
      summary: "Active stocks and indices",
      query: querySchema({ exchange: exchangeField.optional() }),
      responses: {
        200: { description: "Symbols by name", schema: z.object({ symbols: z.array(symbolSchema) }) },
      },
      async handler({ query }) {
        return {
          symbols: await listSymbols(reads, query.exchange === undefined ? {} : { exchange: query.exchange }),
        };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/symbols/{symbol}/bars",
      role: "reader",
      cacheMs: 1_000,
      tag: "symbols",
      summary: "A symbol's bars in a range, oldest first (prices thousand VND)",
      params: symbolParams,
      query: barsQuery,
      responses: {
        200: {
          description: "Bars",
          schema: z.object({ symbol: z.string(), timeframe: z.string(), bars: z.array(barSchema) }),
        },
        404: { description: "Unknown symbol" },
      },
      async handler({ params, query }) {
        await requireSymbol(context, params.symbol);
        const bars = await loadBarRange(reads, {
          symbol: params.symbol,
          timeframe: query.timeframe,
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
          limit: query.limit,
        });
        return { symbol: params.symbol, timeframe: query.timeframe, bars };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/symbols/{symbol}/chart.svg",
      role: "reader",
      cacheMs: 1_000,
      tag: "symbols",
      summary: "A symbol's candles and volume with its stored signals marked (SVG)",
      params: symbolParams,
      query: chartQuery,
      responses: {
        200: { description: "The chart", contentType: "image/svg+xml" },
        404: { description: "Unknown symbol" },
      },
      async handler({ params, query, reply }) {
        const stock = await requireSymbol(context, params.symbol);
        const bars = await loadBarRange(reads, {
          symbol: params.symbol,
          timeframe: query.timeframe,
          ...(query.until === undefined ? {} : { to: query.until }),
          limit: query.limit,
        });
        const first = bars[0];
        const last = bars.at(-1);
        const signals =
          first === undefined || last === undefined
            ? []
            : (
                await listSignalPage(reads, {
                  symbol: params.symbol,
                  timeframe: query.timeframe,
                  since: first.time,
                  until: last.time,
                  limit: 500,
                })
              ).signals;
        const svg = renderSymbolChartSvg({
          title: [stock.symbol, stock.exchange, query.timeframe].filter((part) => part !== null).join(" · "),
          bars,
          signals: signals.map((signal) => ({
            id: signal.id,
            time: signal.time,
            type: signal.type,
            bias: signal.bias,
            score: signal.score,
            explanation: `${signal.type} ${signal.bias === "bull" ? "▲" : "▼"} · điểm/score ${signal.score} · KL/vol ×${signal.volumeRatio.toFixed(1)}`,
          })),
        });
        reply.type("image/svg+xml; charset=utf-8");
        return svg;
      },
    }),
  ];
}
