import { createHash } from "node:crypto";
import {
  type BacktestRunRow,
  createBacktestRun,
  type Database,
  getBacktestRun,
  requestBacktestCancel,
} from "@vpa/db";
import { type QueueConnection, redisConnectionOptions, type TypedQueue } from "@vpa/runtime";
import { FlowProducer, type Queue } from "bullmq";
import { type Kysely, sql } from "kysely";
import { type BacktestJobConfig, expandSweep, parseBacktestJobConfig } from "./backtest-job-config.ts";

/** A run id already used by a different config: re-submission is idempotent only for the same config. */
export class BacktestRunConflictError extends Error {
  readonly code = "BACKTEST_RUN_CONFLICT";
  constructor(runId: string) {
    super(`run id ${runId} already exists with a different config: choose another --run-id`);
    this.name = "BacktestRunConflictError";
  }
}

/** Job ids: one per run id, so adding the same run twice adds no work (BullMQ ignores a known id). */
export function backtestJobId(runId: string): string {
  return `backtest.${runId}`;
}

/** Deterministic run id of a config: the same command twice is the same run. */
export function defaultRunId(config: BacktestJobConfig): string {
  const digest = createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 12);
  return `${config.kind === "sweep" ? "sw" : "bt"}-${digest}`;
}

export interface SubmittedBacktest {
  readonly runId: string;
  readonly kind: "run" | "sweep";
  /** False when the run id was already registered (same config): nothing new was enqueued unless it had failed. */
  readonly created: boolean;
  readonly status: BacktestRunRow["status"];
  /**
   * The run's status before this submission; null when it is new. A single run that had `failed`
   * or been `cancelled` is queued to run again (`status` is then `queued`).
   */
  readonly previousStatus: BacktestRunRow["status"] | null;
  /** Child run ids of a sweep. */
  readonly children: string[];
}

/** Job options of backtest jobs (flow jobs do not inherit the queue's defaults). */
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the key order it was given. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const sameConfig = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * Registers a backtest (or a sweep and its runs) in `backtest_runs` and enqueues it:
 * - a run: one job `backtest.<runId>`;
 * - a sweep: a BullMQ flow, the parent (ranking) job with one child job per grid combination, so
 *   the children spread over every worker and the parent runs when the last one is done.
 *
 * Idempotent by run id: the same id and config again enqueues nothing (a completed run is simply
 * reported); a failed or cancelled single run is queued again.
 *
 * @throws InvalidBacktestConfigError, BacktestRunConflictError
 */
export async function submitBacktest(
  db: Kysely<Database>,
  queue: TypedQueue<"backtest">,
  connection: QueueConnection,
  request: { readonly runId?: string; readonly config: unknown },
): Promise<SubmittedBacktest> {
  const config = parseBacktestJobConfig(request.config);
  const runId = request.runId ?? defaultRunId(config);
  // Redis first: a run registered while its job cannot be enqueued would stay `queued` with no job.
  await queue.queue.waitUntilReady();
  const { run, created } = await createBacktestRun(db, { id: runId, kind: config.kind, config });
  if (!sameConfig(run.config, config) || run.kind !== config.kind) throw new BacktestRunConflictError(runId);
  const previousStatus = created ? null : run.status;
  if (config.kind === "run") {
    if (!created && (run.status === "failed" || run.status === "cancelled")) {
      await queue.queue.remove(backtestJobId(runId)).catch(() => 0);
      await sql`update backtest_runs set status = 'queued', progress = 0, error = null where id = ${runId}`.execute(
        db,
      );
    } else if (!created) {
      return { runId, kind: "run", created, status: run.status, previousStatus, children: [] };
    }
    await queue.queue.add("backtest", { runId, config }, { ...JOB_OPTIONS, jobId: backtestJobId(runId) });
    return { runId, kind: "run", created, status: "queued", previousStatus, children: [] };
  }
  const combos = expandSweep(config);
  const children = combos.map((_, i) => `${runId}-${String(i + 1).padStart(3, "0")}`);
  if (children.some((id) => id.length > 64))
    throw new Error(`run id ${runId} is too long for a sweep (at most 60 characters)`);
  if (!created) return { runId, kind: "sweep", created, status: run.status, previousStatus, children };
  for (const [i, combo] of combos.entries()) {
    await createBacktestRun(db, { id: children[i]!, kind: "run", parentId: runId, config: combo.config });
  }
  const flow = new FlowProducer({
    connection: redisConnectionOptions(connection, "producer"),
    prefix: connection.prefix,
  });
  flow.on("error", (error) => connection.onConnectionError?.(error));
  try {
    await flow.add({
      name: "backtest",
      queueName: queue.name,
      data: { runId, config },
      opts: { ...JOB_OPTIONS, jobId: backtestJobId(runId) },
      children: combos.map((combo, i) => ({
        name: "backtest",
        queueName: queue.name,
        data: { runId: children[i]!, config: combo.config },
        opts: { ...JOB_OPTIONS, jobId: backtestJobId(children[i]!), ignoreDependencyOnFailure: true },
      })),
    });
  } finally {
    await flow.close();
  }
  return { runId, kind: "sweep", created, status: "queued", previousStatus, children };
}

/**
 * Cancels a run or a sweep: queued and running runs are marked `cancelling` (a running job stops at
 * its next checkpoint and marks itself `cancelled`); jobs still waiting are removed from the queue
 * and marked `cancelled` at once. Returns the run ids that were asked to stop.
 */
export async function cancelBacktest(db: Kysely<Database>, queue: Queue, runId: string): Promise<string[]> {
  const run = await getBacktestRun(db, runId);
  if (run === undefined) return [];
  const asked = await requestBacktestCancel(db, runId);
  for (const id of asked) {
    const job = await queue.getJob(backtestJobId(id));
    const state = await job?.getState();
    if (state === "waiting" || state === "delayed" || state === "prioritized") {
      const removed = await queue.remove(backtestJobId(id)).catch(() => 0);
      if (removed === 1) {
        await sql`update backtest_runs set status = 'cancelled', finished_at = now() where id = ${id} and status = 'cancelling'`.execute(
          db,
        );
      }
    }
  }
  return asked;
}
