import {
  countListedDeliveries,
  countOpenWork,
  DELIVERY_STATUSES,
  listBarFreshness,
  listDeliveries,
  readTrackRecordCoverage,
} from "@vpa/db";
import { QUEUE_NAMES, readQueueStatus } from "@vpa/runtime";
import { z } from "zod";
import { type ApiContext, readDatabaseOf } from "../api-context.ts";
import { type ApiRoute, defineRoute, querySchema } from "../api-route.ts";
import { barTimeField, integerField, symbolField, toJson } from "../api-schemas.ts";

/** Work older than this that has not moved counts as stuck (as `vpa status` says). */
const STUCK_AFTER_MS = 15 * 60_000;

const queueSchema = z.object({
  queue: z.string(),
  workers: z.number().int(),
  waiting: z.number().int(),
  prioritized: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  failed: z.number().int(),
});

const statusSchema = z.object({
  queues: z.array(queueSchema),
  freshness: z.array(z.looseObject({ timeframe: z.string(), newestAt: z.string() })),
  openWork: z.looseObject({}),
  /** Whether every alert can carry its evidence (as `vpa status` says it). */
  trackRecord: z.object({
    started: z.boolean().describe("false while the track record holds no row"),
    untracked: z.number().int().describe("daily signals stored after the newest one taken in"),
  }),
});

const deliverySchema = z.object({
  id: z.number().int(),
  alertId: z.number().int().nullable(),
  digestId: z.number().int().nullable(),
  symbol: z.string(),
  signalType: z.string(),
  barTime: z.string(),
  priority: z.string(),
  channel: z.string(),
  address: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  error: z.string().nullable(),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
});

export function adminRoutes(context: ApiContext): ApiRoute[] {
  // GET /status and /deliveries read only (from the read replica when there is one); POST /scan
  // plans the scan on the primary (the scanner's code, requestScan).
  const reads = readDatabaseOf(context);
  return [
    defineRoute({
      method: "GET",
      path: "/status",
      role: "admin",
      tag: "operations",
      summary: "Queues and their workers, data freshness, stuck work and the track record's coverage",
      responses: { 200: { description: "The status", schema: statusSchema } },
      async handler() {
        const [queues, freshness, openWork, trackRecord] = await Promise.all([
          readQueueStatus(
            QUEUE_NAMES.map((name) => context.queue(name).queue),
            { workers: true },
          ).then((statuses) =>
            // The published shape (statusSchema): `completed` and `waitingChildren` are not part of it.
            statuses.map(({ completed: _completed, waitingChildren: _waitingChildren, ...shown }) => shown),
          ),
          listBarFreshness(reads),
          countOpenWork(reads, STUCK_AFTER_MS),
          readTrackRecordCoverage(reads),
        ]);
        return toJson({ queues, freshness, openWork, trackRecord });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/scan",
      role: "admin",
      tag: "operations",
      summary: "Scan the market now (the same scan as `vpa scan`), with its digest",
      body: z.strictObject({ symbols: z.array(symbolField).min(1).max(2_000).optional() }),
      responses: {
        202: {
          description: "Queued",
          schema: z.object({ symbols: z.number().int(), scanId: z.number().int().nullable() }),
        },
      },
      async handler({ body, reply }) {
        const result = await context.requestScan(body.symbols === undefined ? {} : { symbols: body.symbols });
        reply.code(202);
        return result;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/deliveries",
      role: "admin",
      tag: "operations",
      summary: "Alert deliveries, newest first (failed and uncertain ones for an operator)",
      query: querySchema({
        status: z.enum(DELIVERY_STATUSES).optional(),
        since: barTimeField.optional().describe("Claimed at or after"),
        limit: integerField(1, 500).default(50),
      }),
      responses: {
        200: {
          description: "Deliveries",
          schema: z.object({ total: z.number().int(), deliveries: z.array(deliverySchema) }),
        },
      },
      async handler({ query }) {
        const filter = {
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.since === undefined ? {} : { since: new Date(query.since) }),
        };
        const [deliveries, total] = await Promise.all([
          listDeliveries(reads, { ...filter, limit: query.limit }),
          countListedDeliveries(reads, filter),
        ]);
        return toJson({
          total,
          deliveries: deliveries.map(({ signalTime: _signalTime, ...delivery }) => delivery),
        });
      },
    }),
  ];
}
