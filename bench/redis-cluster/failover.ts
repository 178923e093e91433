/**
 * bench/redis-cluster — does a master killed on a Redis Cluster lose or stall work? Two scenarios
 * on a local six-node cluster (test-support/redis-cluster.ts), each run `--runs N` times:
 *
 * - `delayed`: a worker blocked on the queue's master, a delayed job added, the master SIGKILLed:
 *   is the job processed after the failover?
 * - `demo`: `vpa demo` with a Telegram stand-in, the queues' master killed when the first signals
 *   are stored: does the run settle every delivery, each sent once?
 *
 * Not a test: it passes every run on an idle machine but not under heavy CPU load (docs/deploy.md,
 * "Redis Cluster"), which would make the suite flaky. Run it beside a load to see the difference:
 *
 *   node_modules/.bin/node bench/redis-cluster/failover.ts --runs 5 [--scenario delayed|demo]
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createQueue, createWorker } from "../../packages/runtime/src/queues.ts";
import { startRedisCluster } from "../../test-support/redis-cluster.ts";
import { startTelegramStandIn } from "../../test-support/telegram-stand-in.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    scenario: { type: "string", default: "both" },
    "database-server": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const runs = Number(values.runs);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([promise, sleep(ms).then(() => "timeout" as const)]);
}

async function delayedScenario(): Promise<string> {
  const cluster = await startRedisCluster();
  try {
    const connection = {
      redisUrl: "redis://127.0.0.1:1",
      clusterNodes: cluster.nodes,
      prefix: "{bench-failover}",
    };
    const processed: number[] = [];
    const worker = createWorker("digests", connection, async (p) => void processed.push(p.scanId), {
      concurrency: 1,
    });
    worker.on("error", () => {});
    const queue = createQueue("digests", connection);
    await worker.waitUntilReady();
    await sleep(500);
    await queue.add({ scanId: 1 }, { jobId: "digest.1", delay: 1_500 });
    await sleep(200);
    const killedAt = Date.now();
    await cluster.killAndAwaitFailover(await cluster.masterOf(connection.prefix));
    const failover = Date.now() - killedAt;
    const deadline = Date.now() + 30_000;
    while (!processed.includes(1) && Date.now() < deadline) await sleep(100);
    const outcome = processed.includes(1)
      ? `processed ${Date.now() - killedAt} ms after the kill (failover ${failover} ms)`
      : `NOT processed within 30 s of the failover (${failover} ms)`;
    const closed = await withTimeout(worker.close(), 15_000);
    await withTimeout(queue.close(), 5_000);
    return closed === "timeout" ? `${outcome}; worker.close() hung` : outcome;
  } finally {
    await cluster.stop();
  }
}

async function demoScenario(): Promise<string> {
  const cluster = await startRedisCluster();
  const telegram = await startTelegramStandIn({ token: "123456:bench-failover-token-abcdefghij" });
  const name = `vpa_bench_failover_${Date.now()}`;
  const admin = new pg.Client({ connectionString: values["database-server"] });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(values["database-server"] as string);
  url.pathname = `/${name}`;
  const prefix = "{bench-failover-demo}";
  try {
    const master = await cluster.masterOf(prefix);
    const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: url.toString(),
        REDIS_CLUSTER_NODES: cluster.nodes.join(","),
        QUEUE_PREFIX: prefix,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_BOT_COMMANDS: "false",
        DEMO_TELEGRAM_CHAT_ID: "424242",
        VPA_DATA_DIR: resolve(ROOT, ".vpa"),
      },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((done) => child.on("close", done));
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      for (;;) {
        const count = await db
          .query<{ n: number }>("select count(*)::int as n from vpa_signals")
          .then((r) => r.rows[0]?.n ?? 0)
          .catch(() => 0);
        if (count > 0) break;
        await sleep(20);
      }
      await cluster.killAndAwaitFailover(master);
      const code = await withTimeout(exited, 180_000);
      if (code === "timeout") child.kill("SIGKILL");
      const { rows } = await db.query<{ status: string; n: number }>(
        "select status, count(*)::int as n from alert_deliveries where channel = 'telegram' group by 1",
      );
      const statuses = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      const received = telegram.sentMessages.length + telegram.sentPhotos.length;
      return `exit ${code}, telegram deliveries ${JSON.stringify(statuses)}, received ${received}`;
    } finally {
      await db.end();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await telegram.close();
    await cluster.stop();
  }
}

for (const scenario of values.scenario === "both" ? ["delayed", "demo"] : [values.scenario as string]) {
  for (let run = 1; run <= runs; run++) {
    const outcome = await (scenario === "delayed" ? delayedScenario() : demoScenario());
    console.log(`${scenario} run ${run}: ${outcome}`);
  }
}
