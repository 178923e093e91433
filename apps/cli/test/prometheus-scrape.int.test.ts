import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { findTool } from "@vpa/dev-services";
import { QUEUE_NAMES } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

/**
 * A real Prometheus (Debian's `prometheus`, beside `promtool`) scrapes a running `vpa worker
 * backtest` and loads deploy/prometheus/rules.yml: the series the autoscaler and the dashboard
 * query exist under the names and labels they use, and every rule evaluates without error against
 * what the worker really serves.
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const connection = testQueueConnection();
let database: TestDatabase;
let directory: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(join(tmpdir(), "vpa-prometheus-"));
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  }
  await removeQueuePrefix(connection);
  await database?.drop();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): { output: () => string } {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return { output: () => output };
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe("Prometheus scraping a worker", () => {
  it("stores the worker's queue gauges for every queue and evaluates every rule", async () => {
    const workerPort = await freePort();
    const worker = start(
      resolve(ROOT, "node_modules/.bin/node"),
      ["apps/cli/src/main.ts", "worker", "backtest"],
      {
        DATABASE_URL: database.url,
        REDIS_URL: connection.redisUrl,
        QUEUE_PREFIX: connection.prefix,
        HTTP_PORT: String(workerPort),
        SHUTDOWN_TIMEOUT_MS: "5000",
      },
    );
    await eventually(
      async () => (worker.output().includes('"worker started"') ? true : undefined),
      30_000,
      "worker start",
    );

    const prometheusPort = await freePort();
    await writeFile(
      join(directory, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: ["${resolve(ROOT, "deploy/prometheus/rules.yml")}"]`,
        "scrape_configs:",
        "  - job_name: vpa-backtest",
        `    static_configs: [{ targets: ["127.0.0.1:${workerPort}"] }]`,
        "",
      ].join("\n"),
    );
    const prometheus = join(dirname(await findTool("promtool")), "prometheus");
    start(prometheus, [
      `--config.file=${join(directory, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(directory, "data")}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    const api = `http://127.0.0.1:${prometheusPort}/api/v1`;
    const query = async (promql: string): Promise<Sample[] | undefined> => {
      const response = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { data: { result: Sample[] } };
      return body.data.result.length > 0 ? body.data.result : undefined;
    };

    const up = await eventually(() => query('up{job="vpa-backtest"} == 1'), 30_000, "target up");
    expect(up).toHaveLength(1);
    // The KEDA query of deploy/k8s/components/keda, for the backtest queue: one value, 0 waiting.
    const depth = await eventually(
      () =>
        query('max(sum by (instance) (bullmq_job_count{queue="backtest", state=~"waiting|prioritized"}))'),
      30_000,
      "backtest queue depth",
    );
    expect(depth[0]?.value[1]).toBe("0");
    // Every queue's depth from this one worker: what lets a kind at zero pods be scaled up.
    const queues = await eventually(() => query('bullmq_job_count{state="waiting"}'), 10_000, "all queues");
    expect(queues.map((sample) => sample.metric.queue).sort()).toEqual([...QUEUE_NAMES].sort());
    const memory = await eventually(
      () => query("vpa_process_resident_memory_bytes"),
      10_000,
      "process metrics",
    );
    expect(Number(memory[0]?.value[1])).toBeGreaterThan(20 * 2 ** 20);

    const rules = await eventually(
      async () => {
        const body = (await (await fetch(`${api}/rules`)).json()) as {
          data: { groups: { rules: { name: string; health: string; lastEvaluation: string }[] }[] };
        };
        const all = body.data.groups.flatMap((group) => group.rules);
        return all.length > 0 && all.every((rule) => !rule.lastEvaluation.startsWith("0001"))
          ? all
          : undefined;
      },
      15_000,
      "rules evaluated",
    );
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) expect(rule.health, rule.name).toBe("ok");
  }, 90_000);
});
