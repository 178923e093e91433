import {
  countOpenWork,
  listBarFreshness,
  type OpenWork,
  readableBarTime,
  readTrackRecordCoverage,
  type TrackRecordCoverage,
} from "@vpa/db";
import { servicesStatus } from "@vpa/dev-services";
import { createStatusBoard, QUEUE_NAMES, readQueueStatus } from "@vpa/runtime";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";
import { BACKFILL_TRACK_RECORD } from "../track-record-backfill.ts";
import { servicesOptions } from "./services.ts";

/** What the stream worker publishes (its LiveBarStreamStatus plus the stream's staleness). */
interface StreamStatusView {
  readonly name: string;
  readonly state: string;
  readonly reconnects: number;
  readonly lastError: string | null;
  readonly bars: { readonly barsCommitted?: number };
  readonly symbols: Record<string, unknown>;
  readonly stalenessSeconds?: number | null;
}

/** Daily bars are stamped at local midnight: their age counts from the close (15:00 local, 08:00 UTC). */
const DAILY_CLOSE_OFFSET_MS = 15 * 3_600_000;

function ageSeconds(newestAt: Date, timeframe: string, now: number): number {
  const closeOfBar =
    timeframe === "1D" || timeframe === "1W"
      ? newestAt.getTime() + DAILY_CLOSE_OFFSET_MS
      : newestAt.getTime();
  return Math.max(0, Math.round((now - closeOfBar) / 1000));
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

export async function runStatus(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("status", args);
  if (positionals.length > 0) throw new UsageError(`status: unexpected ${positionals.join(" ")}`);
  const now = Date.now();
  const services = await servicesStatus(servicesOptions(app.config, () => {}));
  const up = (name: string) => services.find((s) => s.name === name)?.reachable === true;
  const queues = up("redis")
    ? // `--json` keeps its shape: every count the table shows, `waitingChildren` not among them.
      (
        await readQueueStatus(
          QUEUE_NAMES.map((name) => app.queue(name).queue),
          { workers: true },
        )
      ).map(({ waitingChildren: _waitingChildren, ...shown }) => shown)
    : [];
  const freshness = up("postgres")
    ? (await listBarFreshness(app.database.db)).map((f) => ({
        ...f,
        staleSeconds: ageSeconds(f.newestAt, f.timeframe, now),
      }))
    : [];
  const openWork = up("postgres") ? await countOpenWork(app.database.db, STUCK_AFTER_MS) : null;
  const trackRecord = up("postgres") ? await readTrackRecordCoverage(app.database.db) : null;
  const dailyBars = freshness.some((f) => f.timeframe === "1D");
  const problems = [...describeProblems(openWork, queues), ...trackRecordProblems(trackRecord, dailyBars)];
  const board = up("redis") ? createStatusBoard(app.connection) : null;
  const streams = board === null ? {} : await board.list("stream");
  await board?.close();
  const source = {
    provider: app.config.marketData.provider,
    url: app.config.marketData.baseUrl === null ? null : new URL(app.config.marketData.baseUrl).origin,
  };
  if (values.json) {
    console.log(
      JSON.stringify({ services, queues, freshness, source, streams, openWork, trackRecord, problems }),
    );
    return 0;
  }
  console.log(
    formatTable(
      ["service", "url", "state", "origin", "why down"],
      services.map((s) => [
        s.name,
        s.url,
        s.reachable ? "up" : "down",
        s.origin,
        s.reachable ? "" : (s.detail ?? ""),
      ]),
    ),
  );
  if (queues.length > 0) {
    console.log(
      `\n${formatTable(
        ["queue", "workers", "waiting", "prioritized", "active", "delayed", "failed", "completed"],
        queues.map((q) => [
          q.queue,
          q.workers,
          q.waiting,
          q.prioritized,
          q.active,
          q.delayed,
          q.failed,
          q.completed,
        ]),
      )}`,
    );
  }
  if (freshness.length > 0) {
    console.log(
      `\n${formatTable(
        ["exchange", "timeframe", "symbols", "newest bar", "staleness", "laggard's newest"],
        freshness.map((f) => [
          f.exchange,
          f.timeframe,
          f.symbols,
          readableBarTime(f.newest),
          formatAge(f.staleSeconds),
          readableBarTime(f.oldestNewest),
        ]),
      )}`,
    );
  } else if (up("postgres")) {
    console.log("\nno bars stored yet (vpa import, vpa fetch, or vpa demo)");
  }
  console.log(`\ndata source: ${source.provider} ${source.url ?? "(MARKET_DATA_URL not set)"}`);
  if (trackRecord?.started === true && trackRecord.untracked === 0) {
    console.log("track record: every daily signal taken in (the evidence line of every alert)");
  }
  const live = Object.values(streams) as StreamStatusView[];
  if (live.length > 0) {
    console.log(
      `\n${formatTable(
        ["stream", "state", "symbols", "reconnects", "bars stored", "staleness", "last error"],
        live.map((s) => [
          s.name,
          s.state,
          Object.keys(s.symbols).length,
          s.reconnects,
          s.bars.barsCommitted ?? 0,
          s.stalenessSeconds === null || s.stalenessSeconds === undefined
            ? "—"
            : formatAge(s.stalenessSeconds),
          s.lastError ?? "",
        ]),
      )}`,
    );
  }
  if (problems.length > 0) {
    console.log(
      `\n${formatTable(
        ["needs attention", "count", "what to run"],
        problems.map((p) => [p.what, p.count, p.fix]),
      )}`,
    );
  }
  return services.every((s) => s.reachable) ? 0 : 1;
}

/**
 * An empty track record over stored daily bars, or daily signals it has not taken in: alerts say
 * "not enough history yet", or less than they could.
 */
function trackRecordProblems(coverage: TrackRecordCoverage | null, dailyBars: boolean): Problem[] {
  if (coverage === null) return [];
  if (!coverage.started && dailyBars)
    return [
      {
        what: "empty track record: every alert says 'not enough history yet'",
        count: coverage.untracked,
        fix: BACKFILL_TRACK_RECORD,
      },
    ];
  return coverage.started && coverage.untracked > 0
    ? [
        {
          what: "daily signals not in the track record",
          count: coverage.untracked,
          fix: "vpa study --update",
        },
      ]
    : [];
}

/** Alerts owed for longer than this, or claims this old, count as stuck. */
const STUCK_AFTER_MS = 10 * 60_000;

interface Problem {
  readonly what: string;
  readonly count: number;
  readonly fix: string;
}

/** Failed and stuck work, each with the command that resolves it. */
function describeProblems(
  work: OpenWork | null,
  queues: readonly { queue: string; workers: number; failed: number; waiting: number; prioritized: number }[],
): Problem[] {
  const problems: Problem[] = [];
  const add = (what: string, count: number, fix: string) => {
    if (count > 0) problems.push({ what, count, fix });
  };
  if (work !== null) {
    add("alerts that gave up (retry budget spent)", work.gaveUpAlerts, "vpa alerts retry");
    add(
      "deliveries failed",
      work.failedDeliveries,
      "vpa alerts --status failed; vpa alerts retry --status failed",
    );
    add(
      "deliveries waiting for a retry",
      work.retryDeliveries,
      "vpa worker alerts (they go out on their own); vpa alerts --status retry",
    );
    add(
      "deliveries uncertain (may have arrived)",
      work.uncertainDeliveries,
      "vpa alerts --status uncertain; vpa alerts retry --status uncertain (may send twice)",
    );
    add(
      "alerts owed for over 10 min",
      work.stalePendingAlerts,
      "vpa worker alerts (the sweeper re-enqueues them)",
    );
    add(
      "sends claimed over 10 min ago",
      work.staleSending,
      "vpa worker alerts (the sweeper marks them uncertain)",
    );
  }
  for (const queue of queues) {
    const name = queue.queue === "analyze" ? "scan" : queue.queue;
    add(
      `${queue.queue} jobs failed`,
      queue.failed,
      queue.queue === "analyze"
        ? "vpa scan (failed jobs are redone)"
        : queue.queue === "alerts"
          ? "vpa alerts retry"
          : `see vpa ${name}`,
    );
    if (queue.workers === 0 && queue.waiting + queue.prioritized > 0) {
      add(
        `${queue.queue} jobs waiting with no worker`,
        queue.waiting + queue.prioritized,
        `vpa worker ${workerKindOf(queue.queue)}`,
      );
    }
  }
  return problems;
}

function workerKindOf(queue: string): string {
  return queue === "alerts" ? "alerts" : queue === "backtest" ? "backtest" : "scanner";
}
