/**
 * Waits, with a bound, for a scenario to settle: every expected delivery in a final status. It also
 * stops early when nothing can change any more (the system is quiescent: no job waiting, active,
 * prioritized or delayed in any queue of the prefix — job-scheduler jobs aside — and neither the
 * accepted messages nor the unsettled count moved for `quietMs`), because a lost delivery never
 * settles and waiting for the bound would only slow the suite down. While the product itself still
 * says it owes something — a claim left `sending`, or an alert `pending` in the delivery ledger
 * (migration 0007; its sweeper re-enqueues such alerts after minutes) — the wait goes on to the
 * bound instead. Quiescence is judged only after the scenario's faults are over.
 *
 * Every probe has its own time-out: Redis or PostgreSQL may be down while this runs.
 */
import type { Database } from "@vpa/db";
import { QUEUE_NAMES } from "@vpa/runtime";
import { Queue } from "bullmq";
import { type Kysely, sql } from "kysely";
import { countUnsettled } from "./delivery-audit.ts";

export interface QueueWatcher {
  /** Jobs not finished in any queue of the prefix (scheduler jobs excluded), or null if Redis did not answer. */
  pendingJobs(): Promise<number | null>;
  /** Jobs not finished in one queue, or null. */
  pendingIn(queue: string): Promise<number | null>;
  /** Failed jobs per queue and their most common reasons. */
  failedJobs(): Promise<Record<string, { count: number; reasons: Record<string, number> }>>;
  close(): Promise<void>;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.catch(() => null),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function watchQueues(redisUrl: string, prefix: string): QueueWatcher {
  const queues = new Map(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, {
        connection: { url: redisUrl, maxRetriesPerRequest: 1, connectTimeout: 2_000 },
        prefix,
      });
      queue.on("error", () => {});
      return [name as string, queue];
    }),
  );
  const pendingOf = async (queue: Queue): Promise<number> => {
    const counts = await queue.getJobCounts(
      "waiting",
      "active",
      "prioritized",
      "delayed",
      "waiting-children",
    );
    let pending =
      (counts.waiting ?? 0) +
      (counts.active ?? 0) +
      (counts.prioritized ?? 0) +
      (counts["waiting-children"] ?? 0);
    if ((counts.delayed ?? 0) > 0) {
      const delayed = await queue.getDelayed(0, 10_000);
      pending += delayed.filter((job) => job.repeatJobKey === undefined).length;
    }
    return pending;
  };
  return {
    async pendingJobs() {
      const counts = await withTimeout(Promise.all([...queues.values()].map(pendingOf)), 3_000);
      return counts === null ? null : counts.reduce((sum, count) => sum + count, 0);
    },
    async pendingIn(name) {
      const queue = queues.get(name);
      return queue === undefined ? 0 : await withTimeout(pendingOf(queue), 3_000);
    },
    async failedJobs() {
      const result: Record<string, { count: number; reasons: Record<string, number> }> = {};
      for (const [name, queue] of queues) {
        const failed = await withTimeout(queue.getFailed(0, 10_000), 10_000);
        if (failed === null || failed.length === 0) continue;
        const reasons: Record<string, number> = {};
        for (const job of failed) {
          const reason = (job.failedReason ?? "?").replace(/\d+/g, "N").slice(0, 140);
          reasons[reason] = (reasons[reason] ?? 0) + 1;
        }
        result[name] = { count: failed.length, reasons };
      }
      return result;
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => withTimeout(queue.close(), 5_000)));
    },
  };
}

/**
 * What the product still says it owes: claims left `sending`; deliveries `queued` (migration 0009)
 * or `retry` (owed again, with the delivery ledger of migration 0007); alerts `pending` in the
 * ledger. Without the ledger (older schemas) a `retry` row has no one to pick it up, so it is not
 * counted, and `pendingAlerts` is null.
 */
export async function countOwed(
  db: Kysely<Database>,
): Promise<{ sending: number; owedRows: number; pendingAlerts: number | null }> {
  const ledger = await sql<{ present: boolean }>`
    select exists (select 1 from information_schema.columns where table_name = 'alerts' and column_name = 'state') as present
  `.execute(db);
  const hasLedger = ledger.rows[0]?.present === true;
  const rows = await sql<{ sending: number; owed: number }>`
    select count(*) filter (where status = 'sending')::int as sending,
      count(*) filter (where status = 'queued' or (status = 'retry' and ${hasLedger}))::int as owed
    from alert_deliveries
  `.execute(db);
  const pending = hasLedger
    ? ((await sql<{ n: number }>`select count(*)::int as n from alerts where state = 'pending'`.execute(db))
        .rows[0]?.n ?? 0)
    : null;
  return { sending: rows.rows[0]?.sending ?? 0, owedRows: rows.rows[0]?.owed ?? 0, pendingAlerts: pending };
}

export interface DrainOptions {
  readonly db: Kysely<Database>;
  readonly queues: QueueWatcher;
  readonly chatIds: readonly string[];
  /** Accepted messages so far (the Telegram server's record). */
  readonly acceptedCount: () => number;
  /** True once the scenario's faults are over. */
  readonly faultsOver: () => boolean;
  /** When the scenario's clock started (the scan was enqueued). */
  readonly startedAt: number;
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly log: (line: string) => void;
}

export interface DrainResult {
  /** Seconds from the scan until every expected delivery was settled; null if that never happened. */
  readonly drainSeconds: number | null;
  readonly stoppedBecause: "settled" | "quiescent" | "timeout";
  readonly expected: number;
  readonly unsettled: number;
}

export async function waitForDrain(options: DrainOptions): Promise<DrainResult> {
  const deadline = options.startedAt + options.timeoutMs;
  let last = { expected: 0, unsettled: -1 };
  let lastChange = Date.now();
  let lastSignature = "";
  let lastReport = 0;
  let settledAt: number | null = null;
  while (Date.now() < deadline) {
    const counts = await withTimeout(countUnsettled(options.db, options.chatIds), 5_000);
    const pending = await options.queues.pendingJobs();
    const owed = await withTimeout(countOwed(options.db), 5_000);
    if (counts !== null) last = counts;
    const signature = `${options.acceptedCount()}|${last.unsettled}|${pending}|${owed?.sending}|${owed?.owedRows}|${owed?.pendingAlerts}`;
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastChange = Date.now();
    }
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      options.log(
        `    t+${((Date.now() - options.startedAt) / 1000).toFixed(0)} s: ${options.acceptedCount()} accepted, ` +
          `${counts === null ? "? (PostgreSQL away)" : `${last.unsettled} of ${last.expected}`} unsettled, ` +
          `${pending === null ? "? (Redis away)" : pending} jobs pending` +
          (owed === null
            ? ""
            : `, rows ${owed.sending} sending / ${owed.owedRows} owed, ${owed.pendingAlerts ?? "-"} alerts pending`),
      );
    }
    if (counts !== null && counts.expected > 0 && counts.unsettled === 0) {
      settledAt ??= Date.now();
      // Settled; let jobs still queued finish (bounded), so a late resend is counted too.
      if (pending === 0 || Date.now() - settledAt > 30_000) {
        return {
          drainSeconds: (settledAt - options.startedAt) / 1000,
          stoppedBecause: "settled",
          expected: counts.expected,
          unsettled: 0,
        };
      }
    } else if (counts !== null) {
      settledAt = null;
    }
    const nothingOwed =
      owed !== null && owed.sending === 0 && owed.owedRows === 0 && (owed.pendingAlerts ?? 0) === 0;
    if (
      options.faultsOver() &&
      pending === 0 &&
      counts !== null &&
      nothingOwed &&
      Date.now() - lastChange >= options.quietMs
    ) {
      return { drainSeconds: null, stoppedBecause: "quiescent", ...last };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return {
    drainSeconds: settledAt === null ? null : (settledAt - options.startedAt) / 1000,
    stoppedBecause: settledAt === null ? "timeout" : "settled",
    ...last,
  };
}
