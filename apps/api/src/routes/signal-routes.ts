import { findSignal, listSignalPage } from "@vpa/db";
import { z } from "zod";
// Relative: the evidence lives in the alerts workspace, whose index loads its senders.
import { evidenceSubjectOfSignal, sharedEvidenceLookup } from "../../../alerts/src/evidence/index.ts";
import { type ApiContext, readDatabaseOf } from "../api-context.ts";
import { ApiProblem } from "../api-problem.ts";
import { type ApiRoute, defineRoute, querySchema } from "../api-route.ts";
import {
  barTimeField,
  biasField,
  exchangeField,
  idParams,
  integerField,
  signalSchema,
  signalTypeField,
  symbolField,
  timeframeField,
  toJson,
} from "../api-schemas.ts";
import { decodeSignalCursor, encodeSignalCursor } from "../signal-cursor.ts";

const signalListQuery = querySchema({
  symbol: symbolField.optional(),
  type: signalTypeField.optional(),
  bias: biasField.optional(),
  exchange: exchangeField.optional(),
  timeframe: timeframeField.optional(),
  since: barTimeField.optional().describe("Bar times from (inclusive)"),
  until: barTimeField.optional().describe("Bar times to (inclusive)"),
  minScore: integerField(0, 100).optional().describe("Lowest score (0-100)"),
  min_score: integerField(0, 100).optional().describe("The same as minScore"),
  cursor: z.string().max(200).optional().describe("The `next` of the previous page"),
  limit: integerField(1, 500).default(50),
});

const signalPageSchema = z.object({
  signals: z.array(signalSchema),
  next: z.string().nullable().describe("Cursor of the next page; null on the last page"),
});

/** Evidence from the track record (apps/alerts/src/evidence/README.md): figures or why there are none. */
const evidenceSchema = z.looseObject({ status: z.string(), horizon: z.number() });

export const signalDetailSchema = z.object({
  signal: signalSchema,
  evidence: evidenceSchema.nullable(),
  links: z.object({ chart: z.string(), bars: z.string() }),
});

export function signalRoutes(context: ApiContext): ApiRoute[] {
  // Read-only: stored signals, from the read replica when there is one.
  const reads = readDatabaseOf(context);
  return [
    defineRoute({
      method: "GET",
      path: "/signals",
      role: "reader",
      cacheMs: 1_000,
      tag: "signals",
      summary: "Stored signals, newest bar first, filtered, a page at a time",
      query: signalListQuery,
      responses: { 200: { description: "A page of signals", schema: signalPageSchema } },
      async handler({ query }) {
        const page = await listSignalPage(reads, {
          ...(query.symbol === undefined ? {} : { symbol: query.symbol }),
          ...(query.type === undefined ? {} : { type: query.type }),
          ...(query.bias === undefined ? {} : { bias: query.bias }),
          ...(query.exchange === undefined ? {} : { exchange: query.exchange }),
          ...(query.timeframe === undefined ? {} : { timeframe: query.timeframe }),
          ...(query.since === undefined ? {} : { since: query.since }),
          ...(query.until === undefined ? {} : { until: query.until }),
          ...((query.minScore ?? query.min_score) === undefined
            ? {}
            : { minScore: (query.minScore ?? query.min_score) as number }),
          ...(query.cursor === undefined ? {} : { after: decodeSignalCursor(query.cursor) }),
          limit: query.limit,
        });
        return { signals: page.signals, next: page.next === null ? null : encodeSignalCursor(page.next) };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/signals/{id}",
      role: "reader",
      tag: "signals",
      summary: "One signal with its confirmation and its track-record evidence",
      params: idParams,
      responses: {
        200: { description: "The signal", schema: signalDetailSchema },
        404: { description: "No such signal" },
      },
      async handler({ params, request }) {
        const signal = await findSignal(reads, params.id);
        if (signal === undefined) throw new ApiProblem("NOT_FOUND", `no signal ${params.id}`);
        // Evidence is a bonus: a track record that cannot be read leaves it out, not the signal.
        const [evidence] = await sharedEvidenceLookup(reads)
          .evidenceFor([evidenceSubjectOfSignal(signal)])
          .catch((err: unknown) => {
            // The request's logger: the line carries its request id.
            request.log.warn({ err, signalId: signal.id }, "evidence lookup failed");
            return [null];
          });
        return {
          signal: toJson(signal),
          evidence: evidence ?? null,
          links: {
            chart: `/api/v1/symbols/${signal.symbol}/chart.svg?timeframe=${signal.timeframe}&until=${encodeURIComponent(signal.time)}`,
            bars: `/api/v1/symbols/${signal.symbol}/bars?timeframe=${signal.timeframe}&to=${encodeURIComponent(signal.time)}`,
          },
        };
      },
    }),
  ];
}
