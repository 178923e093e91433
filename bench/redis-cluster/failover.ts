/**
 * bench/redis-cluster — does a master killed on a Redis Cluster lose, stall or repeat work? Two
 * scenarios on a local six-node cluster (test-support/redis-cluster.ts), each run `--runs N` times
 * and judged PASS or FAIL:
 *
 * - `delayed`: a worker blocked on the queue's master, a delayed job added, the master SIGKILLed:
 *   is the job processed (once) after the failover, and does the worker close?
 * - `demo`: `vpa demo` with a Telegram stand-in, the queues' master killed when the first signals
 *   are stored: does the run exit 0 with every delivery `sent`, the chat receiving each exactly once?
 *
 * `--load K` runs K busy-loop processes beside it (a loaded machine). Each run is bounded
 * (`--run-timeout`, default 120 s); a failing run's demo output is kept under `--log-dir`.
 * apps/cli/test/redis-cluster-failover.int.test.ts is the suite's version of the `demo` scenario.
 *
 *   node_modules/.bin/node bench/redis-cluster/failover.ts --runs 10 [--scenario demo] [--load 2]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createQueue, createWorker } from "../../packages/runtime/src/queues.ts";
import { createRedisClient } from "../../packages/runtime/src/redis-client.ts";
import { startRedisCluster } from "../../test-support/redis-cluster.ts";
import { startTelegramStandIn } from "../../test-support/telegram-stand-in.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    scenario: { type: "string", default: "both" },
    load: { type: "string", default: "0" },
    "run-timeout": { type: "string", default: "120" },
    "log-level": { type: "string", default: "info" },
    "log-dir": { type: "string", default: "/tmp/vpa-bench-failover" },
    "database-server": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const runs = Number(values.runs);
const runTimeoutMs = Number(values["run-timeout"]) * 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  readonly pass: boolean;
  readonly detail: string;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((done) => {
    timer = setTimeout(() => done("timeout"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function delayedScenario(): Promise<Outcome> {
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
    const took = Date.now() - killedAt;
    const closed = await withTimeout(worker.close(), 15_000);
    await withTimeout(queue.close(), 5_000);
    const pass = processed.length === 1 && closed !== "timeout";
    const what = processed.includes(1)
      ? `processed ${processed.length}x, ${took} ms after the kill`
      : "NOT processed within 30 s";
    return {
      pass,
      detail: `${what} (failover ${failover} ms)${closed === "timeout" ? "; worker.close() hung" : ""}`,
    };
  } finally {
    await cluster.stop();
  }
}

async function demoScenario(run: number): Promise<Outcome> {
  const startedAt = Date.now();
  const cluster = await startRedisCluster();
  const telegram = await startTelegramStandIn({ token: "123456:bench-failover-token-abcdefghij" });
  const name = `vpa_bench_failover_${Date.now()}`;
  const admin = new pg.Client({ connectionString: values["database-server"] });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(values["database-server"] as string);
  url.pathname = `/${name}`;
  const prefix = "{bench-failover-demo}";
  let output = "";
  let child: ChildProcess | undefined;
  try {
    const master = await cluster.masterOf(prefix);
    child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
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
        LOG_LEVEL: values["log-level"] as string,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const running = child;
    const exited = new Promise<number | null>((done) => running.on("close", done));
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      for (;;) {
        const count = await db
          .query<{ n: number }>("select count(*)::int as n from vpa_signals")
          .then((r) => r.rows[0]?.n ?? 0)
          .catch(() => 0);
        if (count > 0) break;
        if (Date.now() - startedAt > runTimeoutMs) throw new Error("no signal stored in time");
        await sleep(20);
      }
      const killedAt = Date.now();
      await cluster.killAndAwaitFailover(master);
      const failover = Date.now() - killedAt;
      output += `\n[bench] master :${master.port} killed at +${killedAt - startedAt} ms, failover ${failover} ms\n`;
      const code = await withTimeout(exited, Math.max(1_000, runTimeoutMs - (Date.now() - startedAt)));
      // Looked at while a hung run is still there to look at.
      if (code === "timeout")
        output += `\n[bench] queues at the time-out\n${await queueStates(cluster.nodes, prefix)}\n`;
      if (code === "timeout") child.kill("SIGKILL");
      const { rows } = await db.query<{ status: string; n: number }>(
        "select status, count(*)::int as n from alert_deliveries where channel = 'telegram' group by 1",
      );
      const statuses: Record<string, number> = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      const received = telegram.sentMessages.length + telegram.sentPhotos.length;
      const texts = telegram.sentMessages.map((message) => message.plainText);
      const repeated = texts.length - new Set(texts).size;
      const pass =
        code === 0 &&
        /symbols scanned\s+30\b/.test(output) &&
        Object.keys(statuses).join() === "sent" &&
        (statuses.sent ?? 0) > 0 &&
        received === statuses.sent &&
        repeated === 0;
      const detail =
        `exit ${code}, ${Date.now() - startedAt} ms, failover ${failover} ms, ` +
        `deliveries ${JSON.stringify(statuses)}, received ${received}, repeated texts ${repeated}, ` +
        `"Too many Cluster redirections" ${output.split("Too many Cluster redirections").length - 1}x`;
      if (!pass) {
        output += `\n[bench] post-mortem\n${await postMortem(db, cluster.nodes, prefix)}\n`;
        await mkdir(values["log-dir"] as string, { recursive: true });
        const file = resolve(values["log-dir"] as string, `demo-${Date.now()}-run${run}.log`);
        await writeFile(file, `${detail}\n${output}`);
        return { pass, detail: `${detail} (log ${file})` };
      }
      return { pass, detail };
    } finally {
      await db.end();
    }
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await telegram.close();
    await cluster.stop();
  }
}

/** Each unsent delivery: its row, its alert and the Redis state of both jobs. */
async function postMortem(db: pg.Client, nodes: readonly string[], prefix: string): Promise<string> {
  const { rows } = await db.query<{
    id: number;
    status: string;
    alert_id: number | null;
    digest_id: number | null;
    signal_id: number | null;
    alert_state: string | null;
  }>(
    `select d.id, d.status, d.alert_id, d.digest_id, a.signal_id, a.state as alert_state
       from alert_deliveries d left join alerts a on a.id = d.alert_id where d.status <> 'sent'`,
  );
  const connection = { redisUrl: "redis://127.0.0.1:1", clusterNodes: nodes, prefix };
  const deliveries = createQueue("deliveries", connection);
  const alerts = createQueue("alerts", connection);
  const lines: string[] = [];
  try {
    for (const row of rows) {
      const describe = async (queue: typeof deliveries.queue, id: string) => {
        const job = await queue.getJob(id);
        if (job === undefined) return `${id}: no job`;
        return `${id}: ${await job.getState()} attempts ${job.attemptsMade} stalled ${job.stalledCounter} failed ${job.failedReason ?? "-"}`;
      };
      lines.push(
        `delivery ${row.id} ${row.status} alert ${row.alert_id} (${row.alert_state}) digest ${row.digest_id}; ` +
          (await describe(deliveries.queue, `deliver.${row.id}`)) +
          (row.signal_id === null ? "" : `; ${await describe(alerts.queue, `alert.${row.signal_id}`)}`),
      );
      const client = createRedisClient(connection);
      const events = await client
        .xrange(`${prefix}:deliveries:events`, "-", "+")
        .finally(() => client.disconnect());
      for (const [id, fields] of events) {
        if (fields.includes(`deliver.${row.id}`))
          lines.push(`  event ${id} ${fields.join(" ").slice(0, 160)}`);
      }
    }
  } catch (error) {
    lines.push(`post-mortem failed: ${(error as Error).message}`);
  } finally {
    await withTimeout(deliveries.close(), 5_000);
    await withTimeout(alerts.close(), 5_000);
  }
  return lines.join("\n");
}

/** Job counts of every queue and the state of each digest job. */
async function queueStates(nodes: readonly string[], prefix: string): Promise<string> {
  const connection = { redisUrl: "redis://127.0.0.1:1", clusterNodes: nodes, prefix };
  const lines: string[] = [];
  for (const name of ["analyze", "alerts", "digests", "deliveries"] as const) {
    const queue = createQueue(name, connection);
    try {
      lines.push(`${name}: ${JSON.stringify(await queue.queue.getJobCounts())}`);
      if (name === "digests") {
        for (const job of await queue.queue.getJobs(["delayed", "wait", "active", "completed", "failed"])) {
          lines.push(
            `  ${job.id}: ${await job.getState()} attempts ${job.attemptsMade} processedOn ${job.processedOn} delay ${job.delay}`,
          );
        }
      }
    } catch (error) {
      lines.push(`${name}: ${(error as Error).message}`);
    } finally {
      await withTimeout(queue.close(), 5_000);
    }
  }
  return lines.join("\n");
}

/** K processes spinning on the CPU: a machine busy with other work. */
function startLoad(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(resolve(ROOT, "node_modules/.bin/node"), ["-e", "for (;;) {}"], { stdio: "ignore" }),
  );
}

const load = startLoad(Number(values.load));
const stopLoad = () => {
  for (const child of load) child.kill("SIGKILL");
};
process.on("exit", stopLoad);
try {
  for (const scenario of values.scenario === "both" ? ["delayed", "demo"] : [values.scenario as string]) {
    let passed = 0;
    for (let run = 1; run <= runs; run++) {
      const outcome = await (scenario === "delayed" ? delayedScenario() : demoScenario(run)).catch(
        (error: unknown) => ({ pass: false, detail: `error: ${(error as Error).message}` }),
      );
      if (outcome.pass) passed++;
      console.log(`${scenario} run ${run}: ${outcome.pass ? "PASS" : "FAIL"} ${outcome.detail}`);
    }
    console.log(`${scenario}: ${passed} of ${runs} passed (load ${values.load})`);
  }
} finally {
  stopLoad();
}
