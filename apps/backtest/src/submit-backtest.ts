import { createHash } from "node:crypto";
import {
  type BacktestRunRow,
  createBacktestRun,
  type Database,
  getBacktestRun,
  markBacktestCancelled,
  requestBacktestCancel,
  requeueBacktestRun,
} from "@vpa/db";
import { bullmqConnection, type QueueConnection, type TypedQueue } from "@vpa/runtime";
import { type FlowJob as FlowJobSpec, FlowProducer, type Queue } from "bullmq";
import type { Kysely } from "kysely";
import {
  type BacktestJobConfig,
  expandSweep,
  expandWalkForward,
  parseBacktestJobConfig,
  type WalkForwardConfig,
} from "./backtest-job-config.ts";
import { walkForwardSweepId } from "./run-walk-forward.job.ts";

/** A run id already used by a different config: re-submission is idempotent only for the same config. */
export class BacktestRunConflictError extends Error {
  readonly code = "BACKTEST_RUN_CONFLICT";
  constructor(runId: string) {
    super(`run id ${runId} already exists with a different config: choose another --run-id`);
    this.name = "BacktestRunConflictError";
  }
}

/** The longest run id stored: a sweep's child ids add `-001`, a walk-forward's `-w01-001`. */
export const MAX_RUN_ID_LENGTH = 64;

/** A run id whose runs' ids (the id plus their suffixes) would be longer than the store takes. */
export class BacktestRunIdTooLongError extends Error {
  readonly code = "BACKTEST_RUN_ID_TOO_LONG";
  constructor(runId: string, longest: string) {
    const room = MAX_RUN_ID_LENGTH - (longest.length - runId.length);
    super(
      `run id ${runId} is too long: its runs' ids (such as ${longest}) would exceed ${MAX_RUN_ID_LENGTH} characters; choose a --run-id of at most ${room} characters`,
    );
    this.name = "BacktestRunIdTooLongError";
  }
}

/** Job ids: one per run id, so adding the same run twice adds no work (BullMQ ignores a known id). */
export function backtestJobId(runId: string): string {
  return `backtest.${runId}`;
}

/** Deterministic run id of a config: the same command twice is the same run. */
export function defaultRunId(config: BacktestJobConfig): string {
  const digest = createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 12);
  return `${config.kind === "walk-forward" ? "wf" : config.kind === "sweep" ? "sw" : "bt"}-${digest}`;
}

export interface SubmittedBacktest {
  readonly runId: string;
  readonly kind: BacktestJobConfig["kind"];
  /** False when the run id was already registered (same config): nothing new was enqueued unless it had failed. */
  readonly created: boolean;
  readonly status: BacktestRunRow["status"];
  /**
   * The run's status before this submission; null when it is new. A single run that had `failed`
   * or been `cancelled` is queued to run again (`status` is then `queued`).
   */
  readonly previousStatus: BacktestRunRow["status"] | null;
  /** Child run ids: a sweep's runs; a walk-forward's training sweeps (one per window). */
  readonly children: string[];
  /** Runs that train or trade: a sweep's runs, every run of a walk-forward's sweeps; 1 for a run. */
  readonly runs: number;
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
 * @throws InvalidBacktestConfigError, BacktestRunIdTooLongError, BacktestRunConflictError (each
 *   before anything is stored)
 */
export async function submitBacktest(
  db: Kysely<Database>,
  queue: TypedQueue<"backtest">,
  connection: QueueConnection,
  request: { readonly runId?: string; readonly config: unknown },
): Promise<SubmittedBacktest> {
  const config = parseBacktestJobConfig(request.config);
  const runId = request.runId ?? defaultRunId(config);
  // Before anything is stored: a rejected id must leave no row behind.
  const longest = longestRunId(runId, config);
  if (longest.length > MAX_RUN_ID_LENGTH) throw new BacktestRunIdTooLongError(runId, longest);
  // Redis first: a run registered while its job cannot be enqueued would stay `queued` with no job.
  await queue.queue.waitUntilReady();
  const { run, created } = await createBacktestRun(db, { id: runId, kind: config.kind, config });
  if (!sameConfig(run.config, config) || run.kind !== config.kind) throw new BacktestRunConflictError(runId);
  const previousStatus = created ? null : run.status;
  if (config.kind === "run") {
    if (!created && (run.status === "failed" || run.status === "cancelled")) {
      await queue.queue.remove(backtestJobId(runId)).catch(() => 0);
      await requeueBacktestRun(db, runId);
    } else if (!created) {
      return { runId, kind: "run", created, status: run.status, previousStatus, children: [], runs: 1 };
    }
    await queue.queue.add("backtest", { runId, config }, { ...JOB_OPTIONS, jobId: backtestJobId(runId) });
    return { runId, kind: "run", created, status: "queued", previousStatus, children: [], runs: 1 };
  }
  if (config.kind === "walk-forward")
    return submitWalkForward(db, queue, connection, runId, config, {
      created,
      status: run.status,
      previousStatus,
    });
  const sweep = await registerSweep(db, runId, config, created);
  const children = sweep.children.map((child) => child.data.runId);
  const runs = children.length;
  if (!created) return { runId, kind: "sweep", created, status: run.status, previousStatus, children, runs };
  await addFlow(queue, connection, sweep);
  return { runId, kind: "sweep", created, status: "queued", previousStatus, children, runs };
}

/** The longest id the submission would store: the run's, a sweep child's or a walk-forward run's. */
function longestRunId(runId: string, config: BacktestJobConfig): string {
  if (config.kind === "run") return runId;
  if (config.kind === "sweep") return sweepChildId(runId, expandSweep(config).length - 1);
  const windows = expandWalkForward(config);
  return windows
    .map(({ window, sweep }) =>
      sweepChildId(walkForwardSweepId(runId, window.index), expandSweep(sweep).length - 1),
    )
    .reduce((a, b) => (b.length > a.length ? b : a), runId);
}

/** The id of a sweep's run `index` (0-based): `<sweep>-001`… */
function sweepChildId(sweepId: string, index: number): string {
  return `${sweepId}-${String(index + 1).padStart(3, "0")}`;
}

/** One job of a flow, with its children. */
interface FlowJob {
  readonly data: { readonly runId: string; readonly config: unknown };
  readonly children: FlowJob[];
}

/**
 * A sweep's runs as child run ids `<id>-001`, `<id>-002`… in grid order; registered (under
 * `parentId`) unless the sweep was already known.
 */
async function registerSweep(
  db: Kysely<Database>,
  runId: string,
  config: Pick<Extract<BacktestJobConfig, { kind: "sweep" }>, "base" | "grid">,
  register: boolean,
): Promise<FlowJob> {
  const combos = expandSweep(config);
  const children = combos.map((_, i) => sweepChildId(runId, i));
  if (register) {
    for (const [i, combo] of combos.entries()) {
      await createBacktestRun(db, { id: children[i]!, kind: "run", parentId: runId, config: combo.config });
    }
  }
  return {
    data: { runId, config },
    children: combos.map((combo, i) => ({
      data: { runId: children[i]!, config: combo.config },
      children: [],
    })),
  };
}

/**
 * A walk-forward: one training sweep per window (`<id>-w01`, its runs `<id>-w01-001`…), as children
 * of the walk-forward's own job, which BullMQ runs when the last sweep has ranked its runs.
 */
async function submitWalkForward(
  db: Kysely<Database>,
  queue: TypedQueue<"backtest">,
  connection: QueueConnection,
  runId: string,
  config: WalkForwardConfig,
  known: {
    created: boolean;
    status: BacktestRunRow["status"];
    previousStatus: BacktestRunRow["status"] | null;
  },
): Promise<SubmittedBacktest> {
  const windows = expandWalkForward(config);
  const sweeps: FlowJob[] = [];
  for (const { window, sweep } of windows) {
    const sweepId = walkForwardSweepId(runId, window.index);
    if (known.created)
      await createBacktestRun(db, { id: sweepId, kind: "sweep", parentId: runId, config: sweep });
    const registered = await registerSweep(db, sweepId, sweep, known.created);
    sweeps.push({ ...registered, data: { runId: sweepId, config: sweep } });
  }
  const children = sweeps.map((s) => s.data.runId);
  const runs = sweeps.reduce((n, s) => n + s.children.length, 0);
  const submitted = {
    runId,
    kind: "walk-forward" as const,
    previousStatus: known.previousStatus,
    children,
    runs,
  };
  if (!known.created) return { ...submitted, created: false, status: known.status };
  await addFlow(queue, connection, { data: { runId, config }, children: sweeps });
  return { ...submitted, created: true, status: "queued" };
}

/**
 * Adds a tree of jobs as one BullMQ flow: a parent runs when its children are done, and a failed
 * child does not block it (`ignoreDependencyOnFailure`): the parent sees the failure in the runs'
 * statuses.
 */
async function addFlow(
  queue: TypedQueue<"backtest">,
  connection: QueueConnection,
  root: FlowJob,
): Promise<void> {
  const toFlow = (job: FlowJob, isChild: boolean): FlowJobSpec => ({
    name: "backtest",
    queueName: queue.name,
    data: job.data,
    opts: {
      ...JOB_OPTIONS,
      jobId: backtestJobId(job.data.runId),
      ...(isChild ? { ignoreDependencyOnFailure: true } : {}),
    },
    ...(job.children.length === 0 ? {} : { children: job.children.map((child) => toFlow(child, true)) }),
  });
  const redis = bullmqConnection(connection, "producer");
  const flow = new FlowProducer({ connection: redis.connection, prefix: connection.prefix });
  flow.on("error", (error) => connection.onConnectionError?.(error));
  try {
    await flow.add(toFlow(root, false));
  } finally {
    await flow.close().finally(() => redis.release());
  }
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
        await markBacktestCancelled(db, id);
      }
    }
  }
  return asked;
}
