/**
 * One chaos scenario from a clean start to its figures:
 * 1. a fresh database cloned from the data set's template, a fresh queue prefix (and on the
 *    suite's private Redis, an empty Redis), a fresh Telegram server;
 * 2. the worker processes (`vpa worker scanner` / `vpa worker alerts`) started and answering;
 * 3. the scan enqueued as `vpa scan --lookback-days N` does (`scanMarket`), which starts the clock;
 * 4. the scenario's faults, while the suite waits (bounded) for every expected delivery to settle;
 * 5. the audit (delivery-audit.ts), the recovery check (worker-recovery.ts), and clean-up.
 */
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDatabase, type Database } from "@vpa/db";
import { createQueue, type QueueConnection } from "@vpa/runtime";
import { scanMarket } from "@vpa/scanner";
import { Redis } from "ioredis";
import type { Kysely } from "kysely";
import { type ChatPlan, cloneDatabase, dropDatabase, seededRandom } from "./chaos-dataset.ts";
import type { ChaosServices } from "./chaos-services.ts";
import { type ChaosTelegram, type ChaosTelegramStats, startChaosTelegram } from "./chaos-telegram.ts";
import { ChaosWorker } from "./chaos-worker.ts";
import { auditDeliveries, countUnsettled, type DeliveryAudit } from "./delivery-audit.ts";
import { type QueueWatcher, waitForDrain, watchQueues, withTimeout } from "./drain.ts";
import { checkWorkerRecovery, type WorkerRecovery } from "./worker-recovery.ts";

export const CHAOS_BOT_TOKEN = "700000:CHAOS-token-abcdefghijklmnopqrstuvwxyz";

/** Sizes and bounds of a run; every one is a command-line option of run.ts. */
export interface ChaosSizes {
  /** `fixtures` (VN30, 30 symbols), `shared` (../shared/data, 1,681 symbols) or a CSV path. */
  readonly dataset: string;
  readonly symbols: number;
  readonly chats: number;
  readonly groups: number;
  /** `vpa scan --lookback-days`: signals of this many days before each symbol's newest bar. */
  readonly lookbackDays: number;
  readonly seed: number;
  /** kill -9 per kill scenario. */
  readonly kills: number;
  /** SIGTERMs in the sigterm scenario. */
  readonly terms: number;
  readonly alertWorkers: number;
  readonly pgDownSeconds: number;
  readonly redisDownSeconds: number;
  /** Bound on a scenario, from the scan to the end of the drain. */
  readonly drainTimeoutSeconds: number;
  /** Stop waiting when nothing moved for this long after the faults (see drain.ts). */
  readonly quietSeconds: number;
}

export interface ScenarioContext {
  readonly name: string;
  readonly sizes: ChaosSizes;
  readonly services: ChaosServices;
  readonly db: Kysely<Database>;
  readonly telegram: ChaosTelegram;
  readonly scanners: readonly ChaosWorker[];
  readonly alertWorkers: readonly ChaosWorker[];
  readonly queues: QueueWatcher;
  readonly chats: readonly ChatPlan[];
  readonly random: () => number;
  /** Milliseconds since the scan was enqueued. */
  elapsed(): number;
  /** False once the scenario settled or hit its bound: fault drivers stop early. */
  running(): boolean;
  /** Records a fault event for the report (and logs it). */
  note(event: string): void;
  /** Polls `condition` every 100 ms; false on time-out or when the scenario stopped running. */
  waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean>;
  /** Expected deliveries so far (0 while PostgreSQL is away). */
  expectedSoFar(): Promise<number>;
}

export interface ScenarioDefinition {
  readonly name: string;
  readonly summary: string;
  readonly scannerWorkers: number;
  readonly alertWorkers: (sizes: ChaosSizes) => number;
  /** Needs Redis/PostgreSQL the suite started (it kills or stops them). */
  readonly breaksServices: boolean;
  /** Chats the Telegram server answers 403 from the start. */
  readonly blockedChats: (sizes: ChaosSizes) => number;
  /** Extra environment for the worker processes. */
  readonly workerEnvironment?: Readonly<Record<string, string>>;
  /** Injects the faults. Returns how many `uncertain` rows the unavoidable window allows. */
  inject(context: ScenarioContext): Promise<{ uncertainAllowance: number }>;
}

export interface ScenarioResult {
  readonly scenario: string;
  /** 0 lost, 0 duplicated, nothing left sending, uncertain within the allowance, settled, recovered. */
  readonly pass: boolean;
  readonly signals: number;
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly uncertain: number;
  readonly uncertainDelivered: number;
  readonly uncertainAllowance: number;
  readonly failedRows: number;
  readonly sendingRows: number;
  /** Seconds from the scan until every expected delivery settled; null if it did not. */
  readonly drainSeconds: number | null;
  readonly stoppedBecause: "settled" | "quiescent" | "timeout" | "error";
  readonly unsettled: number;
  readonly recovered: boolean;
  readonly workers: readonly WorkerRecovery[];
  readonly faults: readonly string[];
  readonly audit: DeliveryAudit | null;
  readonly telegram: ChaosTelegramStats;
  readonly failedJobs: Record<string, { count: number; reasons: Record<string, number> }>;
  /** Warnings and errors the workers logged, by message, summed over processes. */
  readonly workerProblems: Record<string, number>;
  readonly logDir: string;
  readonly error?: string;
}

export interface ScenarioEnvironment {
  readonly services: ChaosServices;
  readonly templateDatabase: string;
  readonly chats: readonly ChatPlan[];
  readonly sizes: ChaosSizes;
  /** Run directory: each scenario's worker logs go to `<runDir>/<scenario>/`. */
  readonly runDir: string;
  /** The services are the suite's own: Redis may be flushed between scenarios. */
  readonly ownsRedis: boolean;
  readonly keepDatabase: boolean;
  readonly log: (line: string) => void;
}

async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}

async function clearPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export async function runScenario(
  definition: ScenarioDefinition,
  environment: ScenarioEnvironment,
): Promise<ScenarioResult> {
  const { sizes, services, log } = environment;
  const suffix = randomBytes(3).toString("hex");
  const databaseName = `vpa_chaos_${definition.name.replaceAll("-", "_")}_${suffix}`;
  const logDir = join(environment.runDir, definition.name);
  await mkdir(logDir, { recursive: true });
  log(`\n== ${definition.name}: ${definition.summary}`);
  if (environment.ownsRedis) await flushRedis(services.redisUrl);
  const connection: QueueConnection = {
    redisUrl: services.redisUrl,
    prefix: `chaos-${definition.name}-${suffix}`,
  };
  const databaseUrl = await cloneDatabase(
    services.postgresServerUrl,
    environment.templateDatabase,
    databaseName,
  );
  const handle = createDatabase({ url: databaseUrl, maxConnections: 4, connectionTimeoutMs: 2_000 });
  const telegram = await startChaosTelegram({ token: CHAOS_BOT_TOKEN });
  const privateChats = environment.chats.filter((chat) => !chat.chatId.startsWith("-"));
  const blocked = privateChats
    .slice(privateChats.length - definition.blockedChats(sizes))
    .map((chat) => chat.chatId);
  if (blocked.length > 0) telegram.inject({ kind: "block", chatIds: blocked });
  const chatIds = environment.chats.map((chat) => chat.chatId).filter((chatId) => !blocked.includes(chatId));
  const workerEnvironment = {
    databaseUrl,
    redisUrl: services.redisUrl,
    queuePrefix: connection.prefix,
    telegramToken: CHAOS_BOT_TOKEN,
    telegramApiRoot: telegram.apiRoot,
    logDir,
    ...(definition.workerEnvironment === undefined ? {} : { extra: definition.workerEnvironment }),
  };
  const scanners = Array.from(
    { length: definition.scannerWorkers },
    (_, index) => new ChaosWorker("scanner", `scanner-${index + 1}`, workerEnvironment),
  );
  const alertWorkers = Array.from(
    { length: definition.alertWorkers(sizes) },
    (_, index) => new ChaosWorker("alerts", `alerts-${index + 1}`, workerEnvironment),
  );
  const workers = [...scanners, ...alertWorkers];
  const queues = watchQueues(services.redisUrl, connection.prefix);
  const faults: string[] = [];
  let startedAt = Date.now();
  let running = true;
  let faultsOver = false;
  let uncertainAllowance = 0;
  let failedJobs: ScenarioResult["failedJobs"] = {};
  const context: ScenarioContext = {
    name: definition.name,
    sizes,
    services,
    db: handle.db,
    telegram,
    scanners,
    alertWorkers,
    queues,
    chats: environment.chats,
    random: seededRandom(sizes.seed * 7919 + definition.name.length),
    elapsed: () => Date.now() - startedAt,
    running: () => running,
    note(event) {
      const line = `t+${((Date.now() - startedAt) / 1000).toFixed(1)} s ${event}`;
      faults.push(line);
      log(`    ${line}`);
    },
    async waitUntil(condition, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && running) {
        if (await condition()) return true;
        await sleep(100);
      }
      return false;
    },
    async expectedSoFar() {
      return (await withTimeout(countUnsettled(handle.db, chatIds), 3_000))?.expected ?? 0;
    },
  };
  try {
    await Promise.all(workers.map((worker) => worker.start()));
    // What `vpa scan --lookback-days N` does, digest job included.
    const analyzeQueue = createQueue("analyze", connection);
    const digestQueue = createQueue("digests", connection);
    startedAt = Date.now();
    const plan = await scanMarket(handle.db, analyzeQueue, {
      timeframe: "1D",
      lookbackDays: sizes.lookbackDays,
      digestQueue,
    });
    await Promise.all([analyzeQueue.close(), digestQueue.close()]);
    log(
      `    scan enqueued: ${plan.jobIds.length} analyze jobs; workers: ${workers.map((worker) => `${worker.name} pid ${worker.pid}`).join(", ")}`,
    );
    const injection = definition
      .inject(context)
      .then((outcome) => {
        uncertainAllowance = outcome.uncertainAllowance;
      })
      .catch((error: unknown) => {
        faults.push(`fault driver failed: ${error instanceof Error ? error.message : String(error)}`);
        log(
          `    fault driver failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      })
      .finally(() => {
        faultsOver = true;
      });
    const drain = await waitForDrain({
      db: handle.db,
      queues,
      chatIds,
      acceptedCount: () => telegram.accepted.length,
      faultsOver: () => faultsOver,
      startedAt,
      timeoutMs: sizes.drainTimeoutSeconds * 1000,
      quietMs: sizes.quietSeconds * 1000,
      log,
    });
    running = false;
    await injection;
    failedJobs = await queues.failedJobs();
    const telegramStats = { ...telegram.stats };
    const audit = await auditDeliveries(handle.db, telegram.accepted, chatIds);
    const recovery = await checkWorkerRecovery(workers, connection);
    const late = telegram.stats.accepted - telegramStats.accepted;
    if (late > 0)
      faults.push(
        `${late} message(s) accepted after the audit (during the recovery check): not counted above`,
      );
    const pass =
      audit.lost === 0 &&
      audit.duplicated === 0 &&
      audit.sendingRows === 0 &&
      audit.uncertain <= uncertainAllowance &&
      drain.stoppedBecause === "settled" &&
      recovery.recovered;
    return {
      scenario: definition.name,
      pass,
      signals: audit.signals,
      expected: audit.expected,
      delivered: audit.delivered,
      lost: audit.lost,
      duplicated: audit.duplicated,
      uncertain: audit.uncertain,
      uncertainDelivered: audit.uncertainDelivered,
      uncertainAllowance,
      failedRows: audit.failedRows,
      sendingRows: audit.sendingRows,
      drainSeconds: drain.drainSeconds,
      stoppedBecause: drain.stoppedBecause,
      unsettled: drain.unsettled,
      recovered: recovery.recovered,
      workers: recovery.workers,
      faults,
      audit,
      telegram: telegramStats,
      failedJobs,
      workerProblems: problemsOf(workers),
      logDir,
    };
  } catch (error) {
    running = false;
    log(`    scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return {
      scenario: definition.name,
      pass: false,
      signals: 0,
      expected: 0,
      delivered: 0,
      lost: 0,
      duplicated: 0,
      uncertain: 0,
      uncertainDelivered: 0,
      uncertainAllowance,
      failedRows: 0,
      sendingRows: 0,
      drainSeconds: null,
      stoppedBecause: "error",
      unsettled: 0,
      recovered: false,
      workers: [],
      faults,
      audit: null,
      telegram: { ...telegram.stats },
      failedJobs,
      workerProblems: problemsOf(workers),
      logDir,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    running = false;
    await Promise.allSettled(workers.map((worker) => worker.close()));
    await queues.close();
    await telegram.close();
    await handle.close().catch(() => {});
    if (!environment.ownsRedis) await clearPrefix(services.redisUrl, connection.prefix).catch(() => {});
    if (!environment.keepDatabase)
      await dropDatabase(services.postgresServerUrl, databaseName).catch(() => {});
  }
}

function problemsOf(workers: readonly ChaosWorker[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const worker of workers) {
    for (const [message, count] of worker.problems) total[message] = (total[message] ?? 0) + count;
  }
  return total;
}
