/**
 * Throughput and latency of the HTTP API under load (issue 13), with autocannon, against a real
 * PostgreSQL holding the bundled VN30 data's signals (or, with --shared, the whole market's):
 *
 *   node_modules/.bin/node bench/api/run.ts [--shared] [--duration 10] [--connections 1,10,50] [--keep]
 *
 * The API runs as `vpa worker api` does (every request authenticated, rate-limited in Redis,
 * validated, logged at warn) in a process of its own; autocannon runs in another. Each target is
 * loaded at each connection count for `--duration` seconds after a 2 s warm-up:
 * - `GET /hello` on a bare fastify in the same server process: the framework's ceiling here;
 * - `GET /api/v1/signals?min_score=70` (a page of 50, newest first);
 * - `GET /api/v1/symbols/VCB/bars?limit=250` (a year of daily bars);
 * both with the API's 1 s answer cache (as deployed) and without it (every request a query).
 * Figures are requests/s and p50/p99 latency; the machine runs the database, Redis, the server and
 * the load generator at once (2 cores): measured under load, not a server's ceiling.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { generateApiKeySecret, hashApiKeySecret } from "../../apps/api/src/api-key-secret.ts";
import {
  createDatabase,
  insertApiKey,
  insertSignals,
  migrateToLatest,
  upsertStocks,
  writeBarColumns,
} from "../../packages/db/src/index.ts";
import { analyzeColumns, type SignalRecord } from "../../packages/vpa-core/src/index.ts";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const { values } = parseArgs({
  options: {
    shared: { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "1,10,50" },
    keep: { type: "boolean", default: false },
  },
});
const ROOT = new URL("../../", import.meta.url).pathname;
const NODE = `${ROOT}node_modules/.bin/node`;
const DATABASE = values.shared ? "vpa_bench_api_market" : "vpa_bench_api";
const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const url = new URL(server);
url.pathname = `/${DATABASE}`;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `vpa-bench-api-${process.pid}`;

/** Builds the database once (kept with --keep, then reused). */
async function prepare(): Promise<{ signals: number; bars: number; key: string }> {
  const admin = createDatabase({ url: server });
  const exists = await admin.pool.query("select 1 from pg_database where datname = $1", [DATABASE]);
  if (exists.rowCount === 0) await admin.pool.query(`create database ${DATABASE}`);
  await admin.close();
  const database = createDatabase({ url: url.toString() });
  const db = database.db;
  try {
    await migrateToLatest(db);
    const stored = await sql<{ n: string }>`select count(*) as n from vpa_signals`.execute(db);
    if (Number(stored.rows[0]?.n ?? 0) === 0) {
      const started = performance.now();
      const symbolsFile = values.shared
        ? `${ROOT}../shared/data/vn-symbols.csv`
        : `${ROOT}fixtures/vn30-symbols.csv`;
      const exchanges = new Map<string, "HOSE" | "HNX" | "UPCOM">();
      for (const line of readFileSync(symbolsFile, "utf8").split("\n").slice(1)) {
        const [ticker, , exchange] = line.split(",");
        if (ticker && (exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM"))
          exchanges.set(ticker, exchange);
      }
      const data = await readDailyBarsCsvGz(values.shared ? SHARED_DAILY_DATA_PATH : FIXTURE_DAILY_DATA_PATH);
      const ids = await upsertStocks(
        db,
        data.series.map((s) => ({ symbol: s.symbol, exchange: exchanges.get(s.symbol) ?? null })),
      );
      const batch = {
        stockIds: [] as number[],
        times: [] as number[],
        open: [] as number[],
        high: [] as number[],
        low: [] as number[],
        close: [] as number[],
        volume: [] as number[],
      };
      const flush = async () => {
        await writeBarColumns(db, "1D", batch, "upsert");
        for (const column of Object.values(batch)) column.length = 0;
      };
      for (const s of data.series) {
        const c = s.columns;
        const stockId = ids.get(s.symbol) as number;
        for (let i = 0; i < c.time.length; i++) {
          batch.stockIds.push(stockId);
          batch.times.push(Date.parse(`${c.time[i]}T00:00:00+07:00`) / 1000);
          batch.open.push(c.open[i] as number);
          batch.high.push(c.high[i] as number);
          batch.low.push(c.low[i] as number);
          batch.close.push(c.close[i] as number);
          batch.volume.push(c.volume[i] as number);
          if (batch.stockIds.length >= 25_000) await flush();
        }
        const found = analyzeColumns(s.symbol, c).filter((r): r is SignalRecord => r.kind === "signal");
        await insertSignals(db, stockId, "1D", found);
      }
      await flush();
      await sql`analyze`.execute(db);
      console.log(`built ${DATABASE} in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`);
    }
    const counts = await sql<{ signals: string; bars: string }>`
      select (select count(*) from vpa_signals) as signals, (select count(*) from market_data) as bars`.execute(
      db,
    );
    const secret = generateApiKeySecret();
    await insertApiKey(db, { name: "bench", role: "reader", secretHash: hashApiKeySecret(secret) });
    return { signals: Number(counts.rows[0]?.signals), bars: Number(counts.rows[0]?.bars), key: secret };
  } finally {
    await database.close();
  }
}

interface Load {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

function load(target: string, connections: number, seconds: number, key: string): Load {
  const args = [
    `${ROOT}node_modules/autocannon/autocannon.js`,
    "-j",
    "-c",
    String(connections),
    "-d",
    String(seconds),
    "-H",
    `authorization=Bearer ${key}`,
    target,
  ];
  const run = spawnSync(NODE, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`autocannon failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const data = await prepare();
console.log(
  `data: ${data.signals.toLocaleString("en-US")} signals, ${data.bars.toLocaleString("en-US")} daily bars in ${DATABASE}`,
);
async function startServer(cacheMs: number) {
  const child = spawn(NODE, [`${ROOT}bench/api/api-server-process.ts`, String(cacheMs)], {
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ports = await new Promise<{ api: number; hello: number }>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk) => {
      buffered += chunk;
      const line = buffered.split("\n")[0];
      if (buffered.includes("\n") && line !== undefined) resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    ports,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

const seconds = Number(values.duration);
console.log(
  "\n| target | answers | connections | requests/s | p50 ms | p99 ms | non-2xx | errors |\n|---|---|---:|---:|---:|---:|---:|---:|",
);
try {
  for (const cacheMs of [1_000, 0]) {
    const server = await startServer(cacheMs);
    const answers = cacheMs > 0 ? "cached ≤ 1 s" : "uncached";
    try {
      const targets = [
        ...(cacheMs > 0
          ? [["GET /hello (bare fastify)", `http://127.0.0.1:${server.ports.hello}/hello`] as const]
          : []),
        [
          "GET /api/v1/signals?min_score=70",
          `http://127.0.0.1:${server.ports.api}/api/v1/signals?min_score=70`,
        ],
        [
          "GET /api/v1/symbols/VCB/bars?limit=250",
          `http://127.0.0.1:${server.ports.api}/api/v1/symbols/VCB/bars?limit=250`,
        ],
      ] as const;
      for (const [name, target] of targets) {
        load(target, 10, 2, data.key); // warm-up: JIT, pool connections, the planner's caches
        for (const connections of values.connections.split(",").map(Number)) {
          const result = load(target, connections, seconds, data.key);
          console.log(
            `| ${name} | ${name.includes("hello") ? "—" : answers} | ${connections} | ${Math.round(result.requestsPerSecond).toLocaleString("en-US")} | ${result.p50} | ${result.p99} | ${result.non2xx} | ${result.errors} |`,
          );
        }
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  const cleanup = spawnSync("redis-cli", ["-u", redisUrl, "--scan", "--pattern", `${prefix}:*`], {
    encoding: "utf8",
  });
  const keys = cleanup.stdout.split("\n").filter((key) => key !== "");
  if (keys.length > 0) spawnSync("redis-cli", ["-u", redisUrl, "del", ...keys]);
  if (!values.keep) {
    const admin = createDatabase({ url: server });
    await admin.pool.query(`drop database if exists ${DATABASE} with (force)`);
    await admin.close();
  }
}
const load1 = (await import("node:os")).loadavg()[0] ?? 0;
console.log(
  `\nload average (1 min) at the end: ${load1.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`,
);
