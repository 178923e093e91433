/**
 * Backtest benchmark (issue 5). Prints figures; not a test, no limits.
 *
 *   node_modules/.bin/node bench/backtest/run.ts [--skip-sweep]
 *
 * (a) the whole shared dataset in one run, signals computed on the fly (analyzeColumns) and traded
 *     by the portfolio engine: bars/s and trades/s (goal: the run in under 2 s);
 * (b) a 27-combination sweep (minScore × stopLoss × maxHoldDays) over the VN30 names, 2000–2021,
 *     through the real queue as a BullMQ flow, on 1 and on 2 worker processes (both cores).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { arch, cpus, loadavg, totalmem } from "node:os";
import { createInterface } from "node:readline";
import { backtestJobId, submitBacktest, VN30_SYMBOLS } from "../../apps/backtest/src/index.ts";
import { createDatabase, migrateToLatest, upsertBars, upsertStocks } from "../../packages/db/src/index.ts";
import { createQueue, JobWaiter } from "../../packages/runtime/src/index.ts";
import {
  analyzeBacktestSymbol,
  type BacktestSymbolInput,
  createBacktestUniverse,
  runBacktestOnUniverse,
} from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 2) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
const ROOT = new URL("../../", import.meta.url).pathname;

if (!sharedDataAvailable) {
  console.log(`shared dataset not found at ${SHARED_DAILY_DATA_PATH}: nothing to benchmark`);
  process.exit(0);
}
console.log(
  `node ${process.version} · ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

// Exchanges from the metadata file (709 of 1,681 symbols); the rest trade with HOSE's rules.
const exchanges = new Map<string, "HOSE" | "HNX" | "UPCOM">();
for (const line of readFileSync(`${ROOT}../shared/data/vn-symbols.csv`, "utf8").split("\n").slice(1)) {
  const [ticker, , exchange] = line.split(",");
  if (ticker && (exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM"))
    exchanges.set(ticker, exchange);
}

let start = performance.now();
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
console.log(
  `load: ${fmt(data.rowsKept, 0)} bars, ${data.series.length} symbols in ${fmt((performance.now() - start) / 1000)} s (not timed below)`,
);
const inputs: BacktestSymbolInput[] = data.series.map((s) => ({
  symbol: s.symbol,
  exchange: exchanges.get(s.symbol) ?? "HOSE",
  columns: s.columns,
}));
const PERIOD = { from: "2000-01-01", to: "2021-12-31" };
const CONFIG = {
  minScore: 60,
  stopLoss: 0.07,
  takeProfit: 0.2,
  maxHoldDays: 30,
  maxPositions: 20,
  positionFraction: 0.05,
};

// ── (a) whole market, one run ───────────────────────────────────────────────────────────────────
const runs: { total: number; analyze: number; trade: number; trades: number; orders: number }[] = [];
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const analyzed = inputs.map(analyzeBacktestSymbol);
  const t1 = performance.now();
  const universe = createBacktestUniverse(analyzed, PERIOD);
  const result = runBacktestOnUniverse(universe, CONFIG);
  const t2 = performance.now();
  runs.push({
    total: t2 - t0,
    analyze: t1 - t0,
    trade: t2 - t1,
    trades: result.trades.length,
    orders: result.counters.entrySignals,
  });
  if (i === 3) {
    console.log(
      `    result: ${result.period.sessions} sessions, ${fmt(result.trades.length, 0)} trades, total return ${fmt(result.metrics.totalReturn * 100)}%, ` +
        `CAGR ${fmt((result.metrics.cagr ?? 0) * 100)}%, max DD ${fmt(result.metrics.maxDrawdown * 100)}%, ${fmt(result.counters.entrySignals, 0)} entry signals`,
    );
  }
}
const timed = runs.slice(1); // the first run warms up the JIT
const total = median(timed.map((r) => r.total));
const trades = timed[0]!.trades;
console.log(
  `(a) whole market, one run: median ${fmt(total, 0)} ms (analysis ${fmt(median(timed.map((r) => r.analyze)), 0)} ms + universe and portfolio ${fmt(median(timed.map((r) => r.trade)), 0)} ms) ` +
    `→ ${fmt(data.rowsKept / total / 1000)} M bars/s, ${fmt((trades / total) * 1000, 0)} trades/s; runs ms: ${runs.map((r) => r.total.toFixed(0)).join(" ")}`,
);
const universeOnce = createBacktestUniverse(inputs.map(analyzeBacktestSymbol), PERIOD);
const tradeOnly: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  runBacktestOnUniverse(universeOnce, CONFIG);
  tradeOnly.push(performance.now() - t0);
}
console.log(
  `    portfolio only (analysis reused, as in a sweep in one process): median ${fmt(median(tradeOnly), 1)} ms`,
);

if (process.argv.includes("--skip-sweep")) process.exit(0);

// ── (b) sweep over VN30 through the queue ───────────────────────────────────────────────────────
const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const databaseUrl = (() => {
  const url = new URL(server);
  url.pathname = "/vpa_bench_backtest";
  return url.toString();
})();
{
  const admin = createDatabase({ url: server });
  await admin.pool.query("create database vpa_bench_backtest").catch(() => undefined);
  await admin.close();
}
const database = createDatabase({ url: databaseUrl });
await migrateToLatest(database.db);
start = performance.now();
const vn30 = data.series.filter((s) => (VN30_SYMBOLS as readonly string[]).includes(s.symbol));
const ids = await upsertStocks(
  database.db,
  vn30.map((s) => ({ symbol: s.symbol, exchange: exchanges.get(s.symbol) ?? "HOSE" })),
);
let vn30Bars = 0;
for (const s of vn30) {
  const c = s.columns;
  vn30Bars += c.time.length;
  await upsertBars(
    database.db,
    ids.get(s.symbol)!,
    "1D",
    c.time.map((time, i) => ({
      time,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
    })),
  );
}
console.log(
  `(b) VN30 names in vpa_bench_backtest: ${vn30.length} symbols, ${fmt(vn30Bars, 0)} bars (import ${fmt((performance.now() - start) / 1000)} s, not timed)`,
);

function startWorker(prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["bench/backtest/backtest-worker-process.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === "ready") resolve(child);
    });
  });
}

for (const workers of [1, 2]) {
  const prefix = `vpa-bench-bt-${randomBytes(3).toString("hex")}`;
  const connection = { redisUrl, prefix };
  const queue = createQueue("backtest", connection);
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(prefix)));
  const waiter = await JobWaiter.start(queue.queue, connection);
  const runId = `bench-${randomBytes(4).toString("hex")}`;
  const t0 = performance.now();
  const submitted = await submitBacktest(database.db, queue, connection, {
    runId,
    config: {
      kind: "sweep",
      base: { symbols: "VN30", from: "2001-01-01", to: "2021-12-31", maxPositions: 10 },
      grid: [
        { key: "minScore", values: [50, 60, 70] },
        { key: "stopLoss", values: [0.05, 0.07, 0.1] },
        { key: "maxHoldDays", values: [10, 20, null] },
      ],
    },
  });
  const outcome = (await waiter.wait([backtestJobId(runId)], { timeoutMs: 600_000 })).get(
    backtestJobId(runId),
  )!;
  const seconds = (performance.now() - t0) / 1000;
  const best = (
    outcome.returnValue as { best?: { params: unknown; metrics: { sharpe: number; totalReturn: number } } }
  ).best;
  console.log(
    `(b) 27-combination sweep, ${workers} worker process${workers === 1 ? "" : "es"}: ${fmt(seconds)} s total (${submitted.children.length} child runs, ` +
      `${fmt((seconds * 1000) / 27, 0)} ms per run incl. loading its bars from PostgreSQL); best by Sharpe ${JSON.stringify(best?.params)} → Sharpe ${fmt(best?.metrics.sharpe ?? 0)}, total return ${fmt((best?.metrics.totalReturn ?? 0) * 100)}%`,
  );
  await waiter.close();
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((resolve) => c.once("exit", resolve))));
  await queue.queue.obliterate({ force: true });
  await queue.close();
}
await database.close();
