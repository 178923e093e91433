import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createQueue, createWorker } from "@vpa/runtime";
import { DelayedError } from "bullmq";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { startRedisCluster, type TestRedisCluster } from "../../../test-support/redis-cluster.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";

/**
 * A master of a real Redis Cluster (six local servers this file starts) SIGKILLed while work is
 * under way: its replica takes over, the work resumes, nothing is lost and nothing is sent twice.
 *
 * Both cases once failed about one run in two (docs/deploy.md, "Failover"): ioredis' ready check
 * failed during the failover and left a connect() promise unsettled, which parked a BullMQ
 * worker's fetch loop for good (a delayed job was never promoted). Each case starts
 * its own cluster, so each kills a master of a healthy one; everything it started is stopped in a
 * `finally` and again in afterAll (a timed-out test included).
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const TOKEN = "123456:cluster-failover-token-abcdef";
const CHAT = "424242";

const clusters: TestRedisCluster[] = [];
const children: ChildProcess[] = [];
const databases: TestDatabase[] = [];
const telegrams: TelegramStandIn[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const telegram of telegrams) await telegram.close();
  for (const cluster of clusters) await cluster.stop();
  for (const database of databases) await database.drop();
});

async function startCluster(): Promise<TestRedisCluster> {
  const cluster = await startRedisCluster();
  clusters.push(cluster);
  return cluster;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe("a Redis Cluster master killed mid-work", () => {
  it("does not stop a worker that waits on a delayed job: it resumes on the new master", async () => {
    const cluster = await startCluster();
    const connection = {
      redisUrl: "redis://127.0.0.1:1",
      clusterNodes: cluster.nodes,
      prefix: "{vpa-failover}",
    };
    // The scan digest's pattern: the job puts itself back as delayed until its work is ready.
    let polls = 0;
    let pollsAtFailover = 0;
    let finished = false;
    const worker = createWorker(
      "digests",
      connection,
      async (_payload, job, token) => {
        polls++;
        if (pollsAtFailover === 0 || polls < pollsAtFailover + 5) {
          await job.moveToDelayed(Date.now() + 300, token);
          throw new DelayedError();
        }
        finished = true;
      },
      { concurrency: 1 },
    );
    worker.on("error", () => {});
    const queue = createQueue("digests", connection);
    // Other work on the same master, as in a scan: a busy worker's commands fail and retry through
    // the failover beside the waiting one (before the fix: 1 stall in 4 runs without it, 1 in 3 with it).
    let busy = true;
    const alertsWorker = createWorker("alerts", connection, async () => {}, { concurrency: 4 });
    alertsWorker.on("error", () => {});
    const alerts = createQueue("alerts", connection);
    let signalId = 0;
    const producing = (async () => {
      while (busy) {
        await alerts
          .addBulk(Array.from({ length: 20 }, () => ({ payload: { signalId: ++signalId } })))
          .catch(() => {});
        await sleep(50);
      }
    })();
    try {
      await worker.waitUntilReady();
      await queue.add({ scanId: 1 }, { jobId: "digest.1" });
      await until(() => polls >= 3, 10_000, "three polls");
      const master = await cluster.masterOf(connection.prefix);
      await cluster.killAndAwaitFailover(master);
      expect((await cluster.masterOf(connection.prefix)).port).not.toBe(master.port);
      pollsAtFailover = Math.max(polls, 1);
      // Five more polls on the new master (each 300 ms apart), then the job completes.
      await until(() => finished, 30_000, "the job finished after the failover");
      expect(await (await queue.queue.getJob("digest.1"))?.getState()).toBe("completed");
    } finally {
      busy = false;
      await producing;
      // Forced: a graceful close() soon after a failover still hangs in some runs, an open problem
      // this test is not about (docs/deploy.md, "Failover").
      await Promise.race([Promise.all([worker.close(true), alertsWorker.close(true)]), sleep(15_000)]);
      await queue.close();
      await alerts.close();
    }
  }, 90_000);

  it("runs the demo to the end: every delivery sent, each message in the chat once, none on a re-run", async () => {
    const cluster = await startCluster();
    const telegram = await startTelegramStandIn({ token: TOKEN });
    telegrams.push(telegram);
    const database = await createTestDatabase();
    databases.push(database);
    const prefix = "{vpa-failover-demo}";
    const master = await cluster.masterOf(prefix);
    const demo = (): Promise<{ status: number | null; stdout: string; stderr: string }> => {
      const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          DATABASE_URL: database.url,
          REDIS_CLUSTER_NODES: cluster.nodes.join(","),
          QUEUE_PREFIX: prefix,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          TELEGRAM_BOT_COMMANDS: "false",
          DEMO_TELEGRAM_CHAT_ID: CHAT,
          VPA_DATA_DIR: resolve(ROOT, ".vpa"),
        },
      });
      children.push(child);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
    };
    const chat = () => [
      ...telegram.sentMessages.filter((m) => m.chatId === CHAT).map((m) => m.plainText),
      ...telegram.sentPhotos.filter((p) => p.chatId === CHAT).map((p) => `photo: ${p.caption ?? ""}`),
    ];
    const deliveries = async () => {
      const { rows } = await sql<{ status: string; count: string }>`
        select status, count(*) as count from alert_deliveries where channel = 'telegram' group by status
      `.execute(database.db);
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    };

    const run = demo();
    // Mid-scan: the first signals are stored; their alerts, the digest and every delivery are ahead.
    await until(
      async () => {
        const { rows } = await sql<{ count: string }>`select count(*) as count from vpa_signals`
          .execute(database.db)
          .catch(() => ({ rows: [{ count: "0" }] }));
        return Number(rows[0]?.count) > 0;
      },
      60_000,
      "the first signal stored",
    );
    const sentBeforeKill = chat().length;
    await cluster.killAndAwaitFailover(master);
    expect((await cluster.masterOf(prefix)).port).not.toBe(master.port);

    const result = await run;
    expect(result.status, result.stderr.slice(-3_000)).toBe(0);
    expect(result.stdout).toMatch(/symbols scanned\s+30\b/);
    // Nothing lost: the ledger in PostgreSQL has every delivery sent (none queued, sending,
    // retrying or uncertain) ...
    const statuses = await deliveries();
    expect(Object.keys(statuses)).toEqual(["sent"]);
    expect(statuses.sent).toBeGreaterThan(sentBeforeKill);
    // ... and nothing sent twice: the chat got exactly those messages, each once, though jobs whose
    // state the failover lost may have run again (the ledger's claim before each send stops that).
    const received = chat();
    expect(received).toHaveLength(statuses.sent ?? 0);
    expect(new Set(received).size).toBe(received.length);

    const again = await demo();
    expect(again.status, again.stderr.slice(-3_000)).toBe(0);
    expect(chat()).toEqual(received);
  }, 150_000);
});
