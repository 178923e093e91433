/**
 * The chaos scenarios. Each starts clean (run-scenario.ts) and injects one kind of failure; each
 * returns the number of `uncertain` rows its unavoidable window allows: a process killed between
 * Telegram accepting a message and our database write cannot know the outcome, so at most one
 * uncertain per kill; a request Telegram never answered likewise. Where no process dies (a
 * database stop, a graceful SIGTERM, a Redis kill) the sender still knows what Telegram answered,
 * so nothing is unavoidable: the allowance is 0.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import pg from "pg";
import type { ScheduledFault } from "./chaos-telegram.ts";
import type { ChaosWorker } from "./chaos-worker.ts";
import type { ScenarioContext, ScenarioDefinition } from "./run-scenario.ts";

function randomBetween(context: ScenarioContext, lowMs: number, highMs: number): number {
  return lowMs + context.random() * (highMs - lowMs);
}

/** Waits until Telegram accepted `share` of the expected deliveries (at least `minimum` messages). */
async function waitForFanOut(
  context: ScenarioContext,
  share: number,
  minimum: number,
  timeoutMs = 180_000,
): Promise<boolean> {
  let expected = 0;
  let checkedAt = 0;
  return context.waitUntil(async () => {
    if (Date.now() - checkedAt > 1_000) {
      checkedAt = Date.now();
      expected = Math.max(expected, await context.expectedSoFar());
    }
    return context.telegram.accepted.length >= Math.max(minimum, expected * share);
  }, timeoutMs);
}

async function scanPending(context: ScenarioContext): Promise<boolean> {
  const pending = await context.queues.pendingIn("analyze");
  return pending === null || pending > 0;
}

function aliveAmong(workers: readonly ChaosWorker[]): ChaosWorker[] {
  return workers.filter((worker) => worker.alive);
}

async function killAndRestart(
  context: ScenarioContext,
  worker: ChaosWorker,
  signal: "SIGKILL" | "SIGTERM",
): Promise<void> {
  const pid = worker.pid;
  const exit = await worker.stop(signal, 60_000);
  context.note(
    `${signal === "SIGKILL" ? "kill -9" : "SIGTERM"} ${worker.name} (pid ${pid})` +
      (signal === "SIGTERM"
        ? `: exited with ${exit.code ?? exit.signal} after ${(exit.tookMs / 1000).toFixed(1)} s`
        : ""),
  );
  await worker.start();
}

const killAlerts: ScenarioDefinition = {
  name: "kill-alerts",
  summary: "kill -9 of an alert worker process at random moments during the fan-out, restarted each time",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: false,
  blockedChats: () => 0,
  async inject(context) {
    await waitForFanOut(context, 0, 1);
    let kills = 0;
    while (kills < context.sizes.kills && context.running()) {
      await sleep(randomBetween(context, 500, 3_000));
      const candidates = aliveAmong(context.alertWorkers);
      const victim = candidates[Math.floor(context.random() * candidates.length)];
      if (victim === undefined || !context.running()) break;
      await killAndRestart(context, victim, "SIGKILL");
      kills++;
    }
    return { uncertainAllowance: kills };
  },
};

const killScanner: ScenarioDefinition = {
  name: "kill-scanner",
  summary: "kill -9 of the scanner worker at random moments during the scan, restarted each time",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: false,
  blockedChats: () => 0,
  // Two analyses at a time, so a kill interrupts a scan in progress rather than an idle worker.
  workerEnvironment: { ANALYZE_CONCURRENCY: "2" },
  async inject(context) {
    const scanner = context.scanners[0]!;
    let kills = 0;
    while (kills < context.sizes.kills && context.running() && (await scanPending(context))) {
      await sleep(randomBetween(context, 100, 1_000));
      if (!(await scanPending(context))) break;
      await killAndRestart(context, scanner, "SIGKILL");
      kills++;
    }
    if (kills < context.sizes.kills)
      context.note(`the scan finished after ${kills} of ${context.sizes.kills} kills`);
    // A scanner kill cannot leave an alert uncertain: the alert workers are untouched.
    return { uncertainAllowance: 0 };
  },
};

const postgresStop: ScenarioDefinition = {
  name: "pg-stop",
  summary: "PostgreSQL stopped (pg_ctl stop -m fast) mid-delivery for pgDownSeconds, then started",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: true,
  blockedChats: () => 0,
  async inject(context) {
    await context.waitUntil(async () => !(await scanPending(context)), 120_000);
    await waitForFanOut(context, 0.2, 5);
    if (!context.running()) return { uncertainAllowance: 0 };
    await context.services.stopPostgres();
    context.note("PostgreSQL stopped (pg_ctl stop -m fast)");
    await sleep(context.sizes.pgDownSeconds * 1000);
    await context.services.startPostgres();
    context.note(`PostgreSQL started again after ${context.sizes.pgDownSeconds} s`);
    // No process dies: a worker whose send Telegram accepted while the database was away still
    // knows it, and can record `sent` once the database is back. Nothing is unavoidable here.
    return { uncertainAllowance: 0 };
  },
};

const redisKill: ScenarioDefinition = {
  name: "redis-kill",
  summary: "Redis SIGKILL mid-scan, restarted from its AOF (appendfsync everysec) after redisDownSeconds",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: true,
  blockedChats: () => 0,
  workerEnvironment: { ANALYZE_CONCURRENCY: "2" },
  async inject(context) {
    // Mid-scan: some analyses stored their signals, others are still queued.
    const midScan = await context.waitUntil(
      async () => (await context.expectedSoFar()) > 0 && (await scanPending(context)),
      60_000,
    );
    if (!context.running()) return { uncertainAllowance: 0 };
    if (!midScan) context.note("the scan was over before a mid-scan moment was seen; killing Redis now");
    await context.services.killRedis();
    context.note("Redis killed (SIGKILL)");
    await sleep(context.sizes.redisDownSeconds * 1000);
    await context.services.startRedis();
    context.note(`Redis started again from its AOF after ${context.sizes.redisDownSeconds} s`);
    return { uncertainAllowance: 0 };
  },
};

const postgresTerminate: ScenarioDefinition = {
  name: "pg-terminate",
  summary:
    "the workers' PostgreSQL connections cut (pg_terminate_backend) every 100–400 ms for 20 s of the fan-out",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  // Only the scenario's own database's connections are cut: safe on shared servers too.
  breaksServices: false,
  blockedChats: () => 0,
  async inject(context) {
    await waitForFanOut(context, 0.1, 5);
    if (!context.running()) return { uncertainAllowance: 0 };
    const database = (await sql<{ name: string }>`select current_database() as name`.execute(context.db))
      .rows[0]!.name;
    const admin = new pg.Client({ connectionString: `${context.services.postgresServerUrl}/postgres` });
    await admin.connect();
    let rounds = 0;
    let terminated = 0;
    try {
      const until = Date.now() + 20_000;
      while (Date.now() < until && context.running()) {
        const result = await admin.query<{ terminated: boolean }>(
          "select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [database],
        );
        rounds++;
        terminated += result.rows.filter((row) => row.terminated).length;
        await sleep(randomBetween(context, 100, 400));
      }
    } finally {
      await admin.end();
    }
    context.note(`${terminated} connections cut in ${rounds} rounds`);
    // No process dies and PostgreSQL stays up: a worker always knows what Telegram answered.
    return { uncertainAllowance: 0 };
  },
};

/** Faults relative to the start of the fan-out, in ms; hangs longer than the client's 10 s time-out. */
const STORM_PLAN: readonly ScheduledFault[] = [
  { atMs: 0, fault: { kind: "server-errors", count: 15, status: 502 } },
  { atMs: 2_000, fault: { kind: "rate-limit-storm", durationMs: 4_000, retryAfterSeconds: 2 } },
  { atMs: 7_000, fault: { kind: "hang-before-accept", count: 3, holdMs: 12_000 } },
  { atMs: 9_000, fault: { kind: "hang-after-accept", count: 2, holdMs: 0 } },
  { atMs: 9_500, fault: { kind: "hang-after-accept", count: 2, holdMs: 12_000 } },
  { atMs: 14_000, fault: { kind: "server-errors", count: 15, status: 503, html: true } },
  { atMs: 17_000, fault: { kind: "rate-limit-storm", durationMs: 3_000, retryAfterSeconds: 5 } },
  { atMs: 22_000, fault: { kind: "hang-before-accept", count: 2, holdMs: 0 } },
  { atMs: 24_000, fault: { kind: "server-errors", count: 10, status: 500 } },
];

const telegramStorm: ScenarioDefinition = {
  name: "telegram-storm",
  summary: "5xx bursts, 429 storms, hangs before and after accepting, 403 for some chats",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: false,
  blockedChats: (sizes) => Math.max(1, Math.round(sizes.chats / 12)),
  async inject(context) {
    context.note(`${context.telegram.blockedChats.size} chats answer 403 (bot was blocked by the user)`);
    await waitForFanOut(context, 0, 1);
    if (!context.running()) return { uncertainAllowance: 0 };
    const schedule = context.telegram.schedule(STORM_PLAN);
    context.note(
      `storm schedule started: ${STORM_PLAN.map((item) => `${item.fault.kind}@${item.atMs / 1000}s`).join(", ")}`,
    );
    await schedule.done;
    // Let the held requests end before the faults count as over.
    await sleep(13_000);
    const stats = context.telegram.stats;
    context.note(
      `storm over: ${stats.serverErrors} 5xx, ${stats.stormRateLimited} storm 429s, ${stats.hungBeforeAccept} hung before and ` +
        `${stats.hungAfterAccept} after accepting, ${stats.forbidden} 403s`,
    );
    return { uncertainAllowance: stats.hungBeforeAccept + stats.hungAfterAccept };
  },
};

const sigterm: ScenarioDefinition = {
  name: "sigterm",
  summary: "SIGTERM to an alert worker mid-delivery (graceful shutdown), then restarted",
  scannerWorkers: 1,
  alertWorkers: (sizes) => sizes.alertWorkers,
  breaksServices: false,
  blockedChats: () => 0,
  async inject(context) {
    let terms = 0;
    while (terms < context.sizes.terms && context.running()) {
      await waitForFanOut(context, (terms + 1) / (context.sizes.terms + 2), 5);
      const victim = context.alertWorkers[terms % context.alertWorkers.length]!;
      if (!context.running()) break;
      await killAndRestart(context, victim, "SIGTERM");
      terms++;
    }
    // A graceful shutdown lets its sends finish (Telegram answers at once here): nothing is
    // unavoidable, unlike a kill.
    return { uncertainAllowance: 0 };
  },
};

/** The CI smoke version: one kill -9 of an alert worker during a burst of 5xx and a 429 storm. */
const smoke: ScenarioDefinition = {
  name: "smoke",
  summary: "one kill -9 of an alert worker during a burst of Telegram 5xx and a 429 storm",
  scannerWorkers: 1,
  alertWorkers: () => 2,
  breaksServices: false,
  blockedChats: () => 0,
  async inject(context) {
    await waitForFanOut(context, 0, 3);
    if (!context.running()) return { uncertainAllowance: 0 };
    context.telegram.inject({ kind: "rate-limit-storm", durationMs: 2_000, retryAfterSeconds: 1 });
    context.note("Telegram: 429 to every message for 2 s");
    await sleep(2_000);
    context.telegram.inject({ kind: "server-errors", count: 8, status: 502 });
    context.note("Telegram: the next 8 messages get 502");
    await sleep(1_000);
    const victim = aliveAmong(context.alertWorkers)[0];
    if (victim !== undefined) await killAndRestart(context, victim, "SIGKILL");
    return { uncertainAllowance: 1 };
  },
};

export const SCENARIOS: readonly ScenarioDefinition[] = [
  killAlerts,
  killScanner,
  postgresStop,
  postgresTerminate,
  redisKill,
  telegramStorm,
  sigterm,
  smoke,
];

/** The scenarios `--all` runs (the smoke one is for CI). */
export const FULL_SUITE = [
  "kill-alerts",
  "kill-scanner",
  "pg-stop",
  "pg-terminate",
  "redis-kill",
  "telegram-storm",
  "sigterm",
] as const;
