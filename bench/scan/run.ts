/**
 * bench/scan — whole-market scan throughput: import the shared dataset once, then time
 * `scanMarket` (one analyze job per chunk of ANALYZE_CHUNK_SIZE symbols, last SCAN_LOOKBACK_BARS
 * bars) from enqueue until every analyze job has completed, with 1 or 2 `vpa worker scanner` child
 * processes at several ANALYZE_CONCURRENCY settings and chunk sizes: first on freshly started
 * workers, then again (`--force`) on the same, now long-lived, workers. Beside each, in the same
 * run, the same number of no-op BullMQ jobs (one per symbol) through the same number of processes:
 * the queue's ceiling. See README.md beside this file.
 *
 *   node bench/scan/run.ts [--reimport] [--runs 3] [--configs 1x8,1x16,1x32,2x8,2x16] [--chunks 1,50]
 *                          [--sample 200] [--direct 16] [--json bench/scan/results.json] [--bundle]
 *
 * --bundle runs the workers from the image's bundle (tools/bundle, `node dist/main.js`) instead of
 * the TypeScript sources: what a deployment runs, and ~50 MB less RSS per worker.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { bundleApp } from "@vpa/bundle";
import { analyze, type ConfirmationRecord, type SignalRecord } from "@vpa/core";
import {
  createDatabase,
  type DatabaseHandle,
  findSignalsWithoutAlert,
  insertConfirmations,
  insertSignals,
  loadRecentBars,
} from "@vpa/db";
import {
  createMetrics,
  createQueue,
  type JobInput,
  parseJobPayload,
  type QueueConnection,
  type TypedQueue,
} from "@vpa/runtime";
import { type AnalyzeResult, analyzeChunk, StockDirectory, scanMarket } from "@vpa/scanner";
import type { Job } from "bullmq";
import { sql } from "kysely";
import { removeQueuePrefix } from "../../test-support/queues.ts";
import { openBenchDatabase } from "./bench-database.ts";
import { cpuByCommand, cpuDelta, machineCpu, processCpuSeconds } from "./proc-stats.ts";
import { WaitAll } from "./wait-all.ts";
import { WorkerProcess } from "./worker-processes.ts";

const { values: args } = parseArgs({
  allowNegative: true, // --no-noop
  options: {
    reimport: { type: "boolean", default: false },
    runs: { type: "string", default: "3" },
    configs: { type: "string", default: "1x8,1x16,1x32,2x8,2x16" },
    chunks: { type: "string", default: "100" },
    noop: { type: "boolean", default: true },
    sample: { type: "string", default: "200" },
    direct: { type: "string", default: "16" },
    "lookback-bars": { type: "string", default: "250" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
    database: { type: "string", default: "vpa_bench_scan" },
    json: { type: "string" },
    dataset: { type: "string" },
    profile: { type: "string" },
    bundle: { type: "boolean", default: false },
  },
});

const RUNS = Number(args.runs);
const LOOKBACK = Number(args["lookback-bars"]);
const SAMPLE = Number(args.sample);
const DIRECT_CONCURRENCY = Number(args.direct);
const CONFIGS = (args.configs ?? "")
  .split(",")
  .filter((c) => c !== "")
  .map((c) => {
    const [p, c2] = c.split("x").map(Number);
    if (!Number.isInteger(p) || !Number.isInteger(c2)) throw new Error(`--configs: bad entry ${c}`);
    return { processes: p as number, concurrency: c2 as number };
  });
const CHUNKS = (args.chunks ?? "100").split(",").map((c) => {
  const size = Number(c);
  if (!Number.isInteger(size) || size < 1) throw new Error(`--chunks: bad entry ${c}`);
  return size;
});
const ROOT = new URL("../../", import.meta.url).pathname;
/** With --bundle: the bundle's entry, built once before the runs. */
const WORKER_ENTRY = args.bundle
  ? (await bundleApp({ root: ROOT, outDir: `${ROOT}.vpa/bench-bundle` })).entry
  : undefined;
const GOAL = 3_000; // issue 15's goal, symbols per second on 2 cores

const log = (line: string) => process.stderr.write(`${line}\n`);

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
const median = (values: readonly number[]) => quantile(values, 0.5);
/** Median CPU milliseconds a group spent per symbol: independent of how busy the machine was. */
const perSymbol = (
  rs: readonly RunResult[],
  group: "workers" | "postgres" | "postgresOwn" | "redis" | "bench",
) => fmt(median(rs.map((r) => (1000 * r.cpu[group] * r.seconds) / r.symbols)), 2);
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";

function newPrefix(): string {
  return `vpa-bench-${randomBytes(4).toString("hex")}`;
}

/**
 * Everything under the run's prefix goes: its queues, and what the worker processes put there
 * besides (the scan scheduler's job scheduler, the digests queue's meta). The prefix is the run's
 * own random one, so nothing else is touched.
 */
async function obliterate(connection: QueueConnection): Promise<void> {
  await removeQueuePrefix(connection);
}

/** Every stored signal goes, so each run inserts again (cascades to confirmations and alerts). */
async function clearSignals(database: DatabaseHandle): Promise<void> {
  await sql`truncate vpa_signals cascade`.execute(database.db);
}

interface RunResult {
  readonly processes: number;
  readonly concurrency: number;
  readonly chunkSize: number;
  /** Analyze jobs of the scan (symbols / chunkSize, rounded up). */
  readonly jobs: number;
  readonly run: number;
  /** The same scan again (`force`), on the same workers once they have done one: long-lived workers. */
  readonly warmSeconds: number;
  readonly warmSymbolsPerSecond: number;

  readonly symbols: number;
  readonly failed: number;
  readonly bars: number;
  readonly signalsStored: number;
  readonly alertJobs: number;
  readonly enqueueSeconds: number;
  readonly seconds: number;
  readonly symbolsPerSecond: number;
  readonly barsPerSecond: number;
  readonly jobMedianMs: number;
  readonly jobP95Ms: number;
  /** Median wait between enqueue and a worker picking the job up. */
  readonly queueWaitMedianMs: number;
  readonly workerRssPeakMiB: number;
  readonly workerHwmMiB: number;
  /** Worker RSS once started, before the scan. */
  readonly workerStartRssMiB: number;
  /** CPU seconds per second of wall time (1.0 = one core busy) of each group in the timed window. */
  readonly cpu: {
    workers: number;
    /** Every postgres process of the (shared) server. */
    postgres: number;
    /** Only the backends serving the bench database: other tenants' queries left out. */
    postgresOwn: number;
    redis: number;
    bench: number;
    machine: number;
  };
  /** CPU ms per symbol of the long-lived scan: the workers, and the bench database's backends. */
  readonly warmCpuMsPerSymbol: { workers: number; postgresOwn: number };
}

async function timedRun(
  database: DatabaseHandle,
  databaseUrl: string,
  processes: number,
  concurrency: number,
  chunkSize: number,
  run: number,
): Promise<RunResult> {
  const connection: QueueConnection = { redisUrl: args["redis-url"] as string, prefix: newPrefix() };
  await clearSignals(database);
  const workers = await Promise.all(
    Array.from({ length: processes }, () =>
      WorkerProcess.start({
        databaseUrl,
        redisUrl: connection.redisUrl,
        queuePrefix: connection.prefix,
        concurrency,
        lookbackBars: LOOKBACK,
        cpuProfileDir: args.profile,
        ...(WORKER_ENTRY === undefined ? {} : { entry: WORKER_ENTRY }),
      }),
    ),
  );
  const analyzeQueue = createQueue("analyze", connection);
  const alertsQueue = createQueue("alerts", connection);
  const waiter = await WaitAll.start(analyzeQueue.queue, connection);
  try {
    const sampler = setInterval(() => {
      for (const w of workers) w.sample();
    }, 50);
    const cpuBefore = {
      workers: workers.map((w) => processCpuSeconds(w.pid) ?? 0),
      postgres: cpuByCommand(["postgres"]),
      postgresOwn: await benchBackendCpu(database),
      redis: cpuByCommand(["redis-server"]),
      bench: process.cpuUsage(),
      machine: machineCpu(),
    };
    const started = performance.now();
    const enqueuedAt = Date.now();
    const plan = await scanMarket(database.db, analyzeQueue, { timeframe: "1D", chunkSize });
    const enqueueSeconds = (performance.now() - started) / 1000;
    await waiter.wait(analyzeQueue.queue, plan.jobIds, 600_000);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    for (const w of workers) w.sample();
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const machine = machineCpu();
    const postgresOwnAfter = await benchBackendCpu(database);
    const cpu = {
      workers:
        workers.reduce(
          (sum, w, i) => sum + ((processCpuSeconds(w.pid) ?? 0) - (cpuBefore.workers[i] ?? 0)),
          0,
        ) / seconds,
      postgres: cpuDelta(cpuBefore.postgres, cpuByCommand(["postgres"])) / seconds,
      postgresOwn: cpuDelta(cpuBefore.postgresOwn, postgresOwnAfter) / seconds,
      redis: cpuDelta(cpuBefore.redis, cpuByCommand(["redis-server"])) / seconds,
      bench: (benchCpu.user + benchCpu.system) / 1e6 / seconds,
      machine: (machine.busy - cpuBefore.machine.busy) / seconds,
    };
    const memory = workers.map((w) => w.memory());
    const warm = await warmRun(database, analyzeQueue, connection, chunkSize, workers);

    const jobs = (await analyzeQueue.queue.getJobs(["completed"], 0, -1)) as Job[];
    const failed = await analyzeQueue.queue.getFailedCount();
    let bars = 0;
    let signalsStored = 0;
    let alertJobs = 0;
    for (const job of jobs) {
      const result = job.returnvalue as AnalyzeResult;
      bars += result.bars;
      signalsStored += result.newSignals;
      alertJobs += result.alertJobs.length;
    }
    const durations = jobs.flatMap((j) =>
      j.processedOn !== undefined && j.finishedOn !== undefined ? [j.finishedOn - j.processedOn] : [],
    );
    const waits = jobs.flatMap((j) => (j.processedOn !== undefined ? [j.processedOn - enqueuedAt] : []));
    const symbols = plan.symbols.length;
    return {
      processes,
      concurrency,
      chunkSize,
      jobs: plan.jobIds.length,
      run,
      warmSeconds: warm.seconds,
      warmSymbolsPerSecond: symbols / warm.seconds,
      warmCpuMsPerSymbol: {
        workers: (1000 * warm.workerCpuSeconds) / symbols,
        postgresOwn: (1000 * warm.postgresOwnCpuSeconds) / symbols,
      },
      symbols,
      failed,
      bars,
      signalsStored,
      alertJobs,
      enqueueSeconds,
      seconds,
      symbolsPerSecond: symbols / seconds,
      barsPerSecond: bars / seconds,
      jobMedianMs: median(durations),
      jobP95Ms: quantile(durations, 0.95),
      queueWaitMedianMs: median(waits),
      workerRssPeakMiB: Math.max(...memory.map((m) => m.sampledPeakMiB)),
      workerHwmMiB: Math.max(...memory.map((m) => m.hwmMiB)),
      workerStartRssMiB: Math.max(...workers.map((w) => w.startRssMiB)),
      cpu,
    };
  } finally {
    await waiter.close();
    await Promise.all(workers.map((w) => w.stop()));
    await analyzeQueue.close();
    await alertsQueue.close();
    await obliterate(connection);
  }
}

/**
 * The same scan again on the same worker processes (`force`: its completed jobs are replaced), after
 * emptying vpa_signals so it inserts again: what a long-lived worker does, with its JIT warm, its
 * stock directory loaded and its connections open. Returns the seconds it took.
 */
async function warmRun(
  database: DatabaseHandle,
  analyzeQueue: TypedQueue<"analyze">,
  connection: QueueConnection,
  chunkSize: number,
  workers: readonly WorkerProcess[],
): Promise<{ seconds: number; workerCpuSeconds: number; postgresOwnCpuSeconds: number }> {
  await clearSignals(database);
  const waiter = await WaitAll.start(analyzeQueue.queue, connection);
  try {
    const workersBefore = workers.map((w) => processCpuSeconds(w.pid) ?? 0);
    const postgresBefore = await benchBackendCpu(database);
    const started = performance.now();
    const plan = await scanMarket(database.db, analyzeQueue, { timeframe: "1D", chunkSize, force: true });
    await waiter.wait(analyzeQueue.queue, plan.jobIds, 600_000);
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      workerCpuSeconds: workers.reduce(
        (sum, w, i) => sum + ((processCpuSeconds(w.pid) ?? 0) - (workersBefore[i] ?? 0)),
        0,
      ),
      postgresOwnCpuSeconds: cpuDelta(postgresBefore, await benchBackendCpu(database)),
    };
  } finally {
    await waiter.close();
  }
}

/**
 * pid → CPU seconds of the PostgreSQL backends connected to the bench database: the scan's own
 * PostgreSQL work, where the server is shared with other people's tests (cpuByCommand counts
 * every postgres process). A backend that exits inside the window is missed (pools keep theirs).
 */
async function benchBackendCpu(database: DatabaseHandle): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const cpu = processCpuSeconds(pid);
    if (cpu !== null) out.set(pid, cpu);
  }
  return out;
}

interface NoopResult {
  readonly processes: number;
  readonly concurrency: number;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobsPerSecond: number;
}

/**
 * The queue's ceiling beside the scan: `jobs` no-op jobs (one per symbol, as one job per symbol
 * would need) added with addBulk in batches of 1,000, as scanMarket adds, through `processes`
 * no-op worker processes (noop-worker.ts) of `concurrency` each; timed from the first add until
 * every job has completed.
 */
async function noopRun(processes: number, concurrency: number, jobs: number): Promise<NoopResult> {
  const connection: QueueConnection = { redisUrl: args["redis-url"] as string, prefix: newPrefix() };
  const queueName = "noop";
  const workers = await Promise.all(
    Array.from({ length: processes }, () =>
      WorkerProcess.start({
        databaseUrl: "",
        redisUrl: connection.redisUrl,
        queuePrefix: connection.prefix,
        concurrency,
        lookbackBars: LOOKBACK,
        entry: "bench/scan/noop-worker.ts",
        args: [connection.redisUrl, connection.prefix, queueName, String(concurrency)],
      }),
    ),
  );
  const { Queue } = await import("bullmq");
  const queue = new Queue(queueName, {
    connection: { url: connection.redisUrl },
    prefix: connection.prefix,
    defaultJobOptions: { removeOnComplete: { count: 50_000 }, removeOnFail: { count: 50_000 } },
  });
  const waiter = await WaitAll.start(queue, connection);
  try {
    const ids = Array.from({ length: jobs }, (_, i) => `noop.${i}`);
    const started = performance.now();
    for (let i = 0; i < ids.length; i += 1_000) {
      await queue.addBulk(
        ids.slice(i, i + 1_000).map((jobId) => ({ name: queueName, data: {}, opts: { jobId } })),
      );
    }
    await waiter.wait(queue, ids, 600_000);
    const seconds = (performance.now() - started) / 1000;
    return { processes, concurrency, jobs, seconds, jobsPerSecond: jobs / seconds };
  } finally {
    await waiter.close();
    await Promise.all(workers.map((w) => w.stop()));
    await queue.close();
    await removeQueuePrefix(connection);
  }
}

/**
 * The same work as a scan, without BullMQ: `analyzeSymbol` for every symbol from a promise pool in
 * this process. The gap to the queued runs is the queue's cost; this is the per-process ceiling.
 */
async function directRun(
  databaseUrl: string,
  concurrency: number,
): Promise<{ seconds: number; rssMiB: number }> {
  const connection: QueueConnection = { redisUrl: args["redis-url"] as string, prefix: newPrefix() };
  const handle = createDatabase({ url: databaseUrl, maxConnections: Math.min(32, concurrency + 4) });
  const alertsQueue = createQueue("alerts", connection);
  const analyzeQueue = createQueue("analyze", connection);
  await clearSignals(handle);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const deps = {
      db: handle.db,
      stocks: new StockDirectory(handle.db),
      alertsQueue,
      metrics: createMetrics({ collectProcessMetrics: false }),
      lookbackBars: LOOKBACK,
    };
    const started = performance.now();
    // scanMarket's payloads, without the queue: listLatestBars is what it calls first.
    const inputs: JobInput<"analyze">[] = [];
    await scanMarket(
      handle.db,
      {
        ...analyzeQueue,
        addBulk: async (jobs) => {
          for (const job of jobs) inputs.push(job.payload);
          return [];
        },
      },
      { timeframe: "1D", chunkSize: CHUNKS[0] },
    );
    const payloads = inputs.map((input) => parseJobPayload("analyze", input));
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < payloads.length) {
          const payload = payloads[next++];
          if (payload !== undefined) await analyzeChunk(payload, deps);
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, rssMiB: peakRss / 2 ** 20 };
  } finally {
    clearInterval(sampler);
    await analyzeQueue.close();
    await alertsQueue.close();
    await obliterate(connection);
    await handle.close();
  }
}

interface StageTimes {
  find: number[];
  load: number[];
  loadRawPg: number[];
  analyze: number[];
  insertSignals: number[];
  insertConfirmations: number[];
  findWithoutAlert: number[];
  enqueueAlerts: number[];
  total: number[];
}

/**
 * One job's steps, timed one by one, sequentially (no contention), on every k-th symbol: a cold
 * StockDirectory lookup, loadRecentBars, vpa-core, insertSignals, insertConfirmations, the alert
 * check and the alert enqueue — the body of analyzeSymbol, unrolled. `loadRawPg` is the same bar
 * query through pg directly (no Kysely, no row mapping), timed separately and not part of total.
 */
async function breakdown(databaseUrl: string, sampleSize: number): Promise<StageTimes> {
  const connection: QueueConnection = { redisUrl: args["redis-url"] as string, prefix: newPrefix() };
  const handle = createDatabase({ url: databaseUrl, maxConnections: 2 });
  const alertsQueue: TypedQueue<"alerts"> = createQueue("alerts", connection);
  const times: StageTimes = {
    find: [],
    load: [],
    loadRawPg: [],
    analyze: [],
    insertSignals: [],
    insertConfirmations: [],
    findWithoutAlert: [],
    enqueueAlerts: [],
    total: [],
  };
  try {
    await clearSignals(handle);
    const stocks = new StockDirectory(handle.db);
    const { rows } = await sql<{ symbol: string; time: Date }>`
      select s.symbol, last.time from stocks s
      cross join lateral (select m.time from market_data m where m.stock_id = s.id and m.timeframe = '1D'
                          order by m.time desc limit 1) last
      order by s.symbol`.execute(handle.db);
    const step = Math.max(1, Math.floor(rows.length / sampleSize));
    const sample = rows.filter((_, i) => i % step === 0).slice(0, sampleSize);
    for (const row of sample) {
      const barTime = new Date(row.time.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
      let t = performance.now();
      const lap = (into: number[]) => {
        const now = performance.now();
        into.push(now - t);
        t = now;
      };
      const t0 = t;
      const stock = await stocks.find(row.symbol);
      lap(times.find);
      if (stock === undefined) continue;
      const bars = await loadRecentBars(handle.db, {
        stockId: stock.id,
        timeframe: "1D",
        until: barTime,
        limit: LOOKBACK,
      });
      lap(times.load);
      const signals: SignalRecord[] = [];
      const confirmations: ConfirmationRecord[] = [];
      for (const record of analyze(row.symbol, bars)) {
        if (record.time < barTime) continue;
        if (record.kind === "signal") signals.push(record);
        else confirmations.push(record);
      }
      lap(times.analyze);
      const stored = await insertSignals(handle.db, stock.id, "1D", signals);
      lap(times.insertSignals);
      await insertConfirmations(handle.db, stock.id, "1D", confirmations);
      lap(times.insertConfirmations);
      const pending = new Set(
        await findSignalsWithoutAlert(
          handle.db,
          stored.map((s) => s.id),
        ),
      );
      lap(times.findWithoutAlert);
      const jobs = stored
        .filter((s) => pending.has(s.id))
        .map((s) => ({ payload: { signalId: s.id }, jobId: `alert.${s.id}` }));
      if (jobs.length > 0) await alertsQueue.addBulk(jobs);
      lap(times.enqueueAlerts);
      times.total.push(performance.now() - t0);
      t = performance.now();
      await handle.pool.query(
        `select time, open, high, low, close, volume from market_data
         where stock_id = $1 and timeframe = $2 and time <= $3 order by time desc limit $4`,
        [stock.id, "1D", new Date(`${barTime}T00:00:00+07:00`), LOOKBACK],
      );
      lap(times.loadRawPg);
    }
    return times;
  } finally {
    await alertsQueue.close();
    await obliterate(connection);
    await handle.close();
  }
}

async function main(): Promise<void> {
  const { handle, url } = await openBenchDatabase({
    serverUrl: args["pg-url"] as string,
    name: args.database as string,
    reimport: args.reimport ?? false,
    dataset: args.dataset,
    log,
  });
  const results: RunResult[] = [];
  const noops: NoopResult[] = [];
  const direct: { seconds: number; rssMiB: number }[] = [];
  let stages: StageTimes | null = null;
  try {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from stocks`.execute(handle.db);
    log(
      `${rows[0]?.n} stocks; SCAN_LOOKBACK_BARS=${LOOKBACK}; node ${process.version}; ${RUNS} run(s) per config`,
    );
    for (const { processes, concurrency } of CONFIGS) {
      for (let run = 1; run <= RUNS; run++) {
        if (args.noop) {
          const { rows: count } = await sql<{ n: number }>`
            select count(*)::int as n from stocks where is_active and not is_index`.execute(handle.db);
          const n = await noopRun(processes, concurrency, count[0]?.n ?? 0);
          noops.push(n);
          log(
            `${processes} proc x ${concurrency}: run ${run}: no-op: ${n.jobs} jobs in ${fmt(n.seconds, 2)} s = ${fmt(n.jobsPerSecond)} jobs/s`,
          );
        }
        for (const chunkSize of CHUNKS) {
          const r = await timedRun(handle, url, processes, concurrency, chunkSize, run);
          results.push(r);
          log(
            `${processes} proc x ${concurrency}, chunk ${chunkSize}: run ${run}: ${r.symbols} symbols in ${r.jobs} jobs (${r.failed} failed) in ${fmt(r.seconds, 2)} s = ` +
              `${fmt(r.symbolsPerSecond)} symbols/s fresh, ${fmt(r.warmSymbolsPerSecond)} long-lived; ${fmt(r.barsPerSecond)} bars/s; job median ${fmt(r.jobMedianMs, 1)} ms; ` +
              `${r.signalsStored} signals stored, ${r.alertJobs} alert jobs; worker RSS peak ${fmt(r.workerRssPeakMiB)} MiB; ` +
              `CPU cores busy: workers ${fmt(r.cpu.workers, 2)}, postgres ${fmt(r.cpu.postgres, 2)}, redis ${fmt(r.cpu.redis, 2)}, ` +
              `bench ${fmt(r.cpu.bench, 2)}, machine ${fmt(r.cpu.machine, 2)}`,
          );
        }
      }
    }
    if (DIRECT_CONCURRENCY > 0) {
      for (let run = 1; run <= RUNS; run++) {
        const d = await directRun(url, DIRECT_CONCURRENCY);
        direct.push(d);
        log(
          `direct (no queue) x ${DIRECT_CONCURRENCY}: run ${run}: ${fmt(d.seconds, 2)} s, RSS peak ${fmt(d.rssMiB)} MiB`,
        );
      }
    }
    if (SAMPLE > 0) stages = await breakdown(url, SAMPLE);
  } finally {
    await handle.close();
  }

  const symbols = results[0]?.symbols ?? 0;
  const out: string[] = [];
  out.push(
    "| worker processes × ANALYZE_CONCURRENCY | ANALYZE_CHUNK_SIZE (jobs) | symbols/s fresh workers, median (min–max) | symbols/s long-lived workers | no-op BullMQ jobs/s, same processes | of 3,000/s goal (fresh) | bars analysed/s | scan s | job median / p95 ms | worker RSS MiB: idle → peak (VmHWM) | CPU cores busy: workers / postgres / redis / bench / whole machine | CPU ms per symbol, fresh: workers / postgres (bench database) / postgres (whole server) / redis / bench | CPU ms per symbol, long-lived: workers / postgres (bench database) |",
  );
  out.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const { processes, concurrency } of CONFIGS) {
    const noop = noops.filter((n) => n.processes === processes && n.concurrency === concurrency);
    for (const chunkSize of CHUNKS) {
      const rs = results.filter(
        (r) => r.processes === processes && r.concurrency === concurrency && r.chunkSize === chunkSize,
      );
      const sps = rs.map((r) => r.symbolsPerSecond);
      const m = median(sps);
      out.push(
        `| ${processes} × ${concurrency} | ${chunkSize} (${rs[0]?.jobs}) | ${fmt(m)} (${fmt(Math.min(...sps))}–${fmt(Math.max(...sps))}) | ` +
          `${fmt(median(rs.map((r) => r.warmSymbolsPerSecond)))} | ${fmt(median(noop.map((n) => n.jobsPerSecond)))} | ${fmt((100 * m) / GOAL)} % | ` +
          `${fmt(median(rs.map((r) => r.barsPerSecond)))} | ${fmt(median(rs.map((r) => r.seconds)), 2)} | ` +
          `${fmt(median(rs.map((r) => r.jobMedianMs)), 1)} / ${fmt(median(rs.map((r) => r.jobP95Ms)), 1)} | ` +
          `${fmt(median(rs.map((r) => r.workerStartRssMiB)))} → ${fmt(Math.max(...rs.map((r) => r.workerRssPeakMiB)))} (${fmt(Math.max(...rs.map((r) => r.workerHwmMiB)))}) | ` +
          `${fmt(median(rs.map((r) => r.cpu.workers)), 2)} / ${fmt(median(rs.map((r) => r.cpu.postgres)), 2)} / ` +
          `${fmt(median(rs.map((r) => r.cpu.redis)), 2)} / ${fmt(median(rs.map((r) => r.cpu.bench)), 2)} / ${fmt(median(rs.map((r) => r.cpu.machine)), 2)} | ` +
          `${perSymbol(rs, "workers")} / ${perSymbol(rs, "postgresOwn")} / ${perSymbol(rs, "postgres")} / ${perSymbol(rs, "redis")} / ${perSymbol(rs, "bench")} | ` +
          `${fmt(median(rs.map((r) => r.warmCpuMsPerSymbol.workers)), 2)} / ${fmt(median(rs.map((r) => r.warmCpuMsPerSymbol.postgresOwn)), 2)} |`,
      );
    }
  }
  if (direct.length > 0) {
    const sps = direct.map((d) => symbols / d.seconds);
    out.push(
      `| no queue: analyzeChunk × ${DIRECT_CONCURRENCY} in one process | ${CHUNKS[0]} | ${fmt(median(sps))} (${fmt(Math.min(...sps))}–${fmt(Math.max(...sps))}) | | | ` +
        `${fmt((100 * median(sps)) / GOAL)} % | | ${fmt(median(direct.map((d) => d.seconds)), 2)} | | ${fmt(Math.max(...direct.map((d) => d.rssMiB)))} | | | |`,
    );
  }
  if (stages !== null) {
    out.push("");
    out.push(`Breakdown of one analyze job, ${stages.total.length} symbols one at a time (ms):`);
    out.push("");
    out.push("| step | median | p95 | share of summed time |");
    out.push("|---|---|---|---|");
    const sumTotal = stages.total.reduce((a, b) => a + b, 0);
    for (const [name, values] of Object.entries(stages) as [keyof StageTimes, number[]][]) {
      const sum = values.reduce((a, b) => a + b, 0);
      const share = name === "total" || name === "loadRawPg" ? "" : `${fmt((100 * sum) / sumTotal)} %`;
      out.push(`| ${name} | ${fmt(median(values), 2)} | ${fmt(quantile(values, 0.95), 2)} | ${share} |`);
    }
  }
  console.log(out.join("\n"));
  if (args.json !== undefined) {
    await writeFile(
      args.json,
      `${JSON.stringify({ node: process.version, results, noops, direct, stages }, null, 2)}\n`,
    );
  }
}

await main();
