import { createHash } from "node:crypto";
import {
  BacktestRunConflictError,
  backtestJobConfigSchema,
  InvalidBacktestConfigError,
  isSweepReport,
  loadBacktestReport,
  renderBacktestReportHtml,
  submitBacktest,
} from "@vpa/backtest";
import {
  findBacktestRequest,
  getBacktestRun,
  listBacktestChildren,
  listRecentBacktestRuns,
  recordBacktestRequest,
} from "@vpa/db";
import { z } from "zod";
import { type ApiContext, readDatabaseOf } from "../api-context.ts";
import { ApiProblem } from "../api-problem.ts";
import { type ApiRoute, defineRoute, querySchema } from "../api-route.ts";
import { integerField, toJson } from "../api-schemas.ts";

const runIdField = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,60}$/, { message: "must be 1-60 letters, digits, _ or -" });

const backtestBody = z.strictObject({
  runId: runIdField.optional().describe("Default: derived from the config (the same config is the same run)"),
  config: z
    .record(z.string(), z.unknown())
    .describe(
      "A run, sweep or walk-forward config, as `vpa backtest` takes (checked by the backtest's own schema)",
    ),
});

/** Documented body: the backtest's own config schema (the handler validates with it, naming each field). */
const backtestBodyDocument = z.strictObject({
  runId: runIdField.optional(),
  config: backtestJobConfigSchema,
});

const submittedSchema = z.object({
  runId: z.string(),
  kind: z.string(),
  status: z.string(),
  created: z.boolean(),
  runs: z.number().int(),
  links: z.object({ self: z.string(), report: z.string() }),
});

const runSchema = z.object({
  id: z.string(),
  kind: z.string(),
  parentId: z.string().nullable(),
  status: z.string(),
  progress: z.number(),
  config: z.unknown(),
  metrics: z.unknown(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  children: z.array(z.object({ id: z.string(), status: z.string(), progress: z.number() })),
  links: z.object({ report: z.string().nullable() }),
});

const idempotencyKeyField = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, { message: "must be 1-200 printable ASCII characters" });

const runParams = z.strictObject({ id: runIdField });

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function backtestRoutes(context: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/backtests",
      role: "trader",
      tag: "backtests",
      summary: "Queue a backtest (idempotent with Idempotency-Key, and by config)",
      body: backtestBody,
      documentBody: backtestBodyDocument,
      headers: [
        {
          name: "Idempotency-Key",
          description: "The same key and body again answer the same run; another body under the key is a 422",
        },
      ],
      responses: {
        202: { description: "Queued (or already known)", schema: submittedSchema },
        422: { description: "The Idempotency-Key was used with another body" },
      },
      async handler({ body, key, request, reply }) {
        const header = request.headers["idempotency-key"];
        const idempotencyKey =
          header === undefined ? undefined : (idempotencyKeyField.safeParse(header).data ?? null);
        if (idempotencyKey === null) {
          throw new ApiProblem(
            "VALIDATION_FAILED",
            "Idempotency-Key must be 1-200 printable ASCII characters",
          );
        }
        const requestHash = createHash("sha256").update(canonicalJson(body)).digest("hex");
        if (idempotencyKey !== undefined) {
          const earlier = await findBacktestRequest(context.db, key.id, idempotencyKey);
          if (earlier !== undefined && earlier.requestHash !== requestHash) {
            throw new ApiProblem(
              "IDEMPOTENCY_KEY_REUSED",
              "this Idempotency-Key was sent before with another body",
            );
          }
        }
        let submitted: Awaited<ReturnType<typeof submitBacktest>>;
        try {
          submitted = await submitBacktest(context.db, context.queue("backtest"), context.connection, {
            ...(body.runId === undefined ? {} : { runId: body.runId }),
            config: body.config,
          });
        } catch (error) {
          if (error instanceof InvalidBacktestConfigError) {
            throw new ApiProblem("VALIDATION_FAILED", "the backtest config is not valid", {
              errors: error.problems.map((problem) => `body.config.${problem}`),
            });
          }
          if (error instanceof BacktestRunConflictError) throw new ApiProblem("CONFLICT", error.message);
          throw error;
        }
        if (idempotencyKey !== undefined) {
          const stored = await recordBacktestRequest(context.db, {
            apiKeyId: key.id,
            idempotencyKey,
            requestHash,
            runId: submitted.runId,
          });
          if (stored.requestHash !== requestHash) {
            throw new ApiProblem(
              "IDEMPOTENCY_KEY_REUSED",
              "this Idempotency-Key was sent before with another body",
            );
          }
        }
        reply.code(202).header("location", `/api/v1/backtests/${submitted.runId}`);
        return {
          runId: submitted.runId,
          kind: submitted.kind,
          status: submitted.status,
          created: submitted.created,
          runs: submitted.runs,
          links: {
            self: `/api/v1/backtests/${submitted.runId}`,
            report: `/api/v1/backtests/${submitted.runId}/report`,
          },
        };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/backtests",
      role: "reader",
      tag: "backtests",
      summary: "The newest backtests (runs, sweeps and walk-forwards; not their children)",
      query: querySchema({ limit: integerField(1, 200).default(50) }),
      responses: {
        200: {
          description: "Backtests, newest first",
          schema: z.object({
            backtests: z.array(
              z.object({
                id: z.string(),
                kind: z.string(),
                status: z.string(),
                progress: z.number(),
                createdAt: z.string(),
                finishedAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
      async handler({ query }) {
        return { backtests: toJson(await listRecentBacktestRuns(readDatabaseOf(context), query.limit)) };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/backtests/{id}",
      role: "reader",
      tag: "backtests",
      summary: "A backtest's status, progress and metrics",
      params: runParams,
      responses: { 200: { description: "The run", schema: runSchema }, 404: { description: "No such run" } },
      async handler({ params }) {
        // The primary: a client polls this right after POST /backtests gave it the id, and a
        // lagging replica would answer 404 for the run it just submitted, or an old status.
        const run = await getBacktestRun(context.db, params.id);
        if (run === undefined) throw new ApiProblem("NOT_FOUND", `no backtest ${params.id}`);
        const children = run.kind === "run" ? [] : await listBacktestChildren(context.db, run.id);
        return toJson({
          id: run.id,
          kind: run.kind,
          parentId: run.parentId,
          status: run.status,
          progress: run.progress,
          config: run.config,
          metrics: run.metrics,
          error: run.error,
          createdAt: run.createdAt,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          children: children.map((child) => ({
            id: child.id,
            status: child.status,
            progress: child.progress,
          })),
          links: {
            report:
              run.status === "completed" && run.kind !== "sweep"
                ? `/api/v1/backtests/${run.id}/report`
                : null,
          },
        });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/backtests/{id}/report",
      role: "reader",
      tag: "backtests",
      summary: "The HTML report of a completed run or walk-forward",
      params: runParams,
      responses: {
        200: { description: "The report", contentType: "text/html" },
        404: { description: "No such run" },
        409: { description: "Not completed yet, or a sweep (open one of its runs)" },
      },
      async handler({ params, reply }) {
        // The primary: opened as soon as GET /backtests/{id} (primary) says completed.
        const loaded = await loadBacktestReport(context.db, params.id);
        if (loaded === undefined) throw new ApiProblem("NOT_FOUND", `no backtest ${params.id}`);
        if (loaded.report === null) {
          throw new ApiProblem(
            "CONFLICT",
            `backtest ${params.id} is ${loaded.run.status}: its report comes when it completes`,
          );
        }
        if (isSweepReport(loaded.report)) {
          throw new ApiProblem("CONFLICT", `${params.id} is a sweep: open the report of one of its runs`);
        }
        // The report carries its own inline styles: a CSP of its own, with nothing able to run.
        reply
          .type("text/html; charset=utf-8")
          .header(
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
          );
        return renderBacktestReportHtml(loaded.report);
      },
    }),
  ];
}
