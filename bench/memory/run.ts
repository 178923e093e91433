/**
 * bench/memory — idle memory of each worker kind, run from the TypeScript sources (`./vpa worker`
 * in a clone) and from the image's bundle (`node dist/main.js worker`, tools/bundle), side by side
 * in the same run. Issue 10's goal: idle < 100 MB per worker.
 *
 *   node --max-semi-space-size=16 bench/memory/run.ts [--kinds scanner,alerts,backtest] [--settle 10]
 *        [--pg-url postgres://postgres@127.0.0.1:5432] [--redis-url redis://127.0.0.1:6379]
 *
 * Each worker starts against the bench's own empty database (created and dropped here) and its own
 * queue prefix (removed after), waits until it logs "worker started" plus `--settle` seconds, and
 * its VmRSS and RssAnon are read from /proc. VmRSS also counts the pages of the node binary itself
 * (file-backed, shared by every Node process on the machine through the page cache: ~45 MB);
 * RssAnon is the worker's own memory. Workers run with NODE_OPTIONS=--max-semi-space-size=16, as
 * `./vpa` and the image set it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { bundleApp } from "@vpa/bundle";
import { Redis } from "ioredis";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    kinds: { type: "string", default: "scanner,alerts,backtest" },
    settle: { type: "string", default: "10" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
  },
});

const ROOT = new URL("../../", import.meta.url).pathname;
const KINDS = (args.kinds ?? "").split(",").filter((kind) => kind !== "");
const SETTLE_MS = Number(args.settle) * 1_000;
const DATABASE = `vpa_bench_memory_${process.pid}`;
const PREFIX = `bench-memory-${randomBytes(4).toString("hex")}`;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args["pg-url"]}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

interface Memory {
  /** VmRSS, MiB. */
  readonly rss: number;
  /** RssAnon, MiB: the process's own pages (heap, stacks), not the binary's shared ones. */
  readonly anon: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) / 1024;
  return { rss: field("VmRSS"), anon: field("RssAnon") };
}

/** Starts one worker, waits for "worker started" + the settle time, returns its memory. */
async function idleMemory(entry: string, kind: string): Promise<Memory> {
  const child: ChildProcess = spawn(process.execPath, [entry, "worker", kind], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_OPTIONS: "--max-semi-space-size=16",
      DATABASE_URL: `${args["pg-url"]}/${DATABASE}`,
      REDIS_URL: args["redis-url"] as string,
      QUEUE_PREFIX: PREFIX,
      HTTP_PORT: "0",
      SHUTDOWN_TIMEOUT_MS: "5000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once("exit", done));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('"worker started"')) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`${kind} did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return memoryOf(child.pid as number);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

await admin(`create database ${DATABASE}`);
const bundleDir = `${ROOT}.vpa/bench-memory-bundle`;
try {
  const bundle = await bundleApp({ root: ROOT, outDir: bundleDir });
  const rows: string[] = [];
  for (const kind of KINDS) {
    const source = await idleMemory("apps/cli/src/main.ts", kind);
    const bundled = await idleMemory(bundle.entry, kind);
    const saved = source.rss - bundled.rss;
    rows.push(
      `| ${kind} | ${source.rss.toFixed(0)} (${source.anon.toFixed(0)}) | ${bundled.rss.toFixed(0)} (${bundled.anon.toFixed(0)}) | ${saved.toFixed(0)} (${((100 * saved) / source.rss).toFixed(0)} %) |`,
    );
    process.stdout.write(
      `${kind}: sources ${source.rss.toFixed(1)} MiB (own ${source.anon.toFixed(1)}), bundle ${bundled.rss.toFixed(1)} MiB (own ${bundled.anon.toFixed(1)})\n`,
    );
  }
  process.stdout.write(
    `\n| worker | idle VmRSS MiB (RssAnon), sources | idle VmRSS MiB (RssAnon), bundle = image | VmRSS saved |\n|---|---|---|---|\n${rows.join("\n")}\n`,
  );
} finally {
  await rm(bundleDir, { recursive: true, force: true });
  const redis = new Redis(args["redis-url"] as string, { lazyConnect: true });
  await redis.connect();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${PREFIX}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
  await admin(`drop database if exists ${DATABASE} with (force)`);
}
