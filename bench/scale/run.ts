/**
 * bench/scale — scanner and alert worker processes (1, 2, 4 of each) against PostgreSQL and a real
 * Redis Cluster (3 masters + 3 replicas, test-support/redis-cluster.ts), the whole market in
 * 1-minute bars for a simulated session: each minute the market's bars are written (one
 * statement, as an ingest does), a scan of the 1m timeframe is enqueued (scanMarket, the
 * production path) and analysed by the scanner processes; their signals' alerts are fanned out
 * and delivered by the alert processes to webhook subscribers (a loopback sink). The next minute
 * starts when every symbol of this one is analysed: as fast as the workers take it.
 *
 *   node bench/scale/run.ts [--symbols 1681] [--minutes 30] [--workers 1,2,4] [--subscribers 20]
 *     [--concurrency 16] [--json FILE] [--pg-url postgres://postgres@127.0.0.1:5432] [--database vpa_bench_scale]
 *
 * Per worker count it reports: analysed bars/s, minute cycle (write + scan + analysis) p50/max,
 * alert deliveries and the drain after the last minute; Redis commands per analysed bar (INFO
 * commandstats deltas summed over the masters; the busiest master apart, since a prefix's keys all
 * live on one); PostgreSQL rows written per analysed bar (pg_stat_user_tables deltas, by table);
 * and the bytes a stored 1-minute bar takes (heap + primary key). README.md says what it means.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs, promisify } from "node:util";
import { barTimeToDate, createDatabase, migrateToLatest, upsertStocks, writeBarColumns } from "@vpa/db";
import { createQueue } from "@vpa/runtime";
import { scanMarket } from "@vpa/scanner";
import { sql } from "kysely";
import pg from "pg";
import { startRedisCluster } from "../../test-support/redis-cluster.ts";
import { startTelegramStandIn } from "../../test-support/telegram-stand-in.ts";
import { ChaosWorker } from "../chaos/chaos-worker.ts";
import {
  buildMinuteBars,
  type MinuteBar,
  minuteVolumeProfile,
  REPLAY_SESSIONS,
  readLastDailyBars,
} from "../live/build-replay-day.ts";
import { cpuByCommand, processCpuSeconds, processMemoryMiB } from "../scan/proc-stats.ts";

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    symbols: { type: "string", default: "1681" },
    minutes: { type: "string", default: "30" },
    workers: { type: "string", default: "1,2,4" },
    subscribers: { type: "string", default: "20" },
    concurrency: { type: "string", default: "16" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    database: { type: "string", default: "vpa_bench_scale" },
    dataset: {
      type: "string",
      default: new URL("../../../shared/data/vn-daily-2000-2021.csv.gz", import.meta.url).pathname,
    },
    minutesFile: {
      type: "string",
      default: new URL("../../../shared/data/vn30f1m-1m-2023-11-2024-01.csv", import.meta.url).pathname,
    },
    json: { type: "string" },
  },
});
const SYMBOLS = Number(args.symbols);
const MINUTES = Number(args.minutes);
const WORKER_COUNTS = (args.workers as string).split(",").map(Number);
const SUBSCRIBERS = Number(args.subscribers);
const TOKEN = "424242:BENCH-scale-abcdefghijklmnopqrstuvwxyz";
const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args["pg-url"]}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// ── 1. The market: each symbol's last daily bars → 1-minute sessions (bench/live's builder) ──────
const daily = await readLastDailyBars(args.dataset as string, SYMBOLS);
const profile = minuteVolumeProfile(args.minutesFile as string);
const symbols = [...daily.keys()];
const history = new Map<string, MinuteBar[]>();
const replay = new Map<string, MinuteBar[]>();
for (const [symbol, bars] of daily) {
  history.set(
    symbol,
    REPLAY_SESSIONS.slice(0, 2).flatMap((session, i) => buildMinuteBars(symbol, session, bars[i]!, profile)),
  );
  replay.set(symbol, buildMinuteBars(symbol, REPLAY_SESSIONS[2], bars[2]!, profile).slice(0, MINUTES));
}
log(`market: ${fmt(symbols.length)} symbols × (510 stored + ${MINUTES} simulated) 1-minute bars`);

// ── 2. A fresh database: stocks, the two previous sessions, webhook subscribers ────────────────
const database = args.database as string;
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
await adminQuery(`drop database if exists ${database} with (force)`);
await adminQuery(`create database ${database}`);
const databaseUrl = `${args["pg-url"]}/${database}`;
const handle = createDatabase({ url: databaseUrl, maxConnections: 4 });
const db = handle.db;
await migrateToLatest(db);
const stockIds = await upsertStocks(
  db,
  symbols.map((symbol) => ({ symbol, exchange: "HOSE" })),
);

/** One statement for many symbols' bars (writeBarColumns: what an import and the stream use). */
async function writeBars(rows: { symbol: string; bar: MinuteBar }[]): Promise<void> {
  const column = () => new Float64Array(rows.length);
  const columns = {
    stockIds: new Int32Array(rows.length),
    times: column(),
    open: column(),
    high: column(),
    low: column(),
    close: column(),
    volume: column(),
  };
  rows.forEach(({ symbol, bar }, i) => {
    columns.stockIds[i] = stockIds.get(symbol)!;
    columns.times[i] = barTimeToDate(bar.time).getTime() / 1000;
    columns.open[i] = bar.open;
    columns.high[i] = bar.high;
    columns.low[i] = bar.low;
    columns.close[i] = bar.close;
    columns.volume[i] = bar.volume;
  });
  await writeBarColumns(db, "1m", columns, "upsert");
}
const t0 = performance.now();
let batch: { symbol: string; bar: MinuteBar }[] = [];
for (const symbol of symbols) {
  for (const bar of history.get(symbol)!) batch.push({ symbol, bar });
  if (batch.length >= 50_000) {
    await writeBars(batch);
    batch = [];
  }
}
if (batch.length > 0) await writeBars(batch);
history.clear();
log(`stored ${fmt(symbols.length * 510)} history bars in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Webhook subscribers, each to every symbol and signal: every alert is delivered SUBSCRIBERS times.
let webhookPosts = 0;
const sink = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    webhookPosts++;
    response.writeHead(204).end();
  });
});
await new Promise<void>((done) => sink.listen(0, "127.0.0.1", done));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
await sql`
  insert into subscribers (channel, address, language, delivery_mode)
  select 'webhook', ${sinkUrl} || '?s=' || i, 'en', 'instant' from generate_series(1, ${SUBSCRIBERS}::int) i
`.execute(db);
await sql`
  insert into subscriptions (subscriber_id, symbols, signal_types, min_score) select id, null, null, 0 from subscribers
`.execute(db);

// ── 3. The Redis Cluster and the Telegram stand-in the alert workers start with (unused) ───────
const cluster = await startRedisCluster({ masters: 3, nodeTimeoutMs: 5_000 });
const telegram = await startTelegramStandIn({ token: TOKEN });
const running: ChaosWorker[] = [];
try {
  const nodePorts = cluster.nodes.map((node) => Number(node.split(":")[1]));
  /** The cluster's redis-server pids (their command line names the port). */
  const redisPids = [...cpuByCommand(["redis-server"]).keys()].filter((pid) => {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return nodePorts.some((port) => line.includes(`:${port} `) || line.endsWith(`:${port}`));
    } catch {
      return false;
    }
  });
  const cpuOf = (pids: readonly number[]) =>
    pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  /** pid → CPU seconds of the bench database's backends (the workers' and the bench's connections). */
  async function postgresBackendCpu(): Promise<Map<number, number>> {
    const rows = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = ${database}`.execute(db);
    const out = new Map<number, number>();
    for (const { pid } of rows.rows) {
      const cpu = processCpuSeconds(pid);
      if (cpu !== null) out.set(pid, cpu);
    }
    return out;
  }

  interface NodeStats {
    readonly port: number;
    readonly master: boolean;
    readonly calls: number;
    readonly scriptCalls: number;
  }
  async function redisStats(): Promise<NodeStats[]> {
    return Promise.all(
      nodePorts.map(async (port) => {
        const { stdout } = await run("redis-cli", ["-p", String(port), "info", "all"], { timeout: 10_000 });
        let calls = 0;
        let scriptCalls = 0;
        for (const match of stdout.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) {
          const name = match[1]!;
          const count = Number(match[2]);
          if (name === "info" || name.startsWith("cluster") || name === "ping") continue; // the bench's own
          calls += count;
          if (name === "evalsha" || name === "eval" || name === "fcall") scriptCalls += count;
        }
        return { port, master: /^role:master/m.test(stdout), calls, scriptCalls };
      }),
    );
  }

  interface TableWrites {
    readonly inserted: number;
    readonly updated: number;
    readonly deleted: number;
  }
  async function tableWrites(): Promise<Map<string, TableWrites>> {
    await sql`select pg_stat_clear_snapshot()`.execute(db);
    const rows = await sql<{ relname: string; ins: number; upd: number; del: number }>`
    select relname, n_tup_ins::float8 as ins, n_tup_upd::float8 as upd, n_tup_del::float8 as del
    from pg_stat_user_tables`.execute(db);
    const byTable = new Map<string, TableWrites>();
    for (const row of rows.rows) {
      // Partitions count under their table.
      const table = row.relname.startsWith("market_data") ? "market_data" : row.relname;
      const sum = byTable.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
      byTable.set(table, {
        inserted: sum.inserted + row.ins,
        updated: sum.updated + row.upd,
        deleted: sum.deleted + row.del,
      });
    }
    return byTable;
  }

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  };

  // ── 4. One simulated session per worker count ─────────────────────────────────────────────────
  const replayStart = barTimeToDate(replay.get(symbols[0]!)![0]!.time);
  const results = [];
  for (const workerCount of WORKER_COUNTS) {
    await sql`delete from market_data where timeframe = '1m' and time >= ${replayStart}`.execute(db);
    await sql`truncate vpa_signals, alerts, scans cascade`.execute(db);
    await sql`vacuum analyze market_data`.execute(db);
    const prefix = `{vpa-scale-${workerCount}-${randomBytes(3).toString("hex")}}`;
    const logDir = await mkdtemp(join(tmpdir(), "vpa-bench-scale-"));
    const environment = () => ({
      databaseUrl,
      redisUrl: `redis://${cluster.nodes[0]}`,
      queuePrefix: prefix,
      telegramToken: TOKEN,
      telegramApiRoot: telegram.apiRoot,
      logDir,
      extra: {
        REDIS_CLUSTER_NODES: cluster.nodes.join(","),
        LOG_LEVEL: "error",
        NODE_OPTIONS: "--max-semi-space-size=16",
        ANALYZE_CONCURRENCY: args.concurrency as string,
        ALERT_CHARTS: "false",
      },
    });
    const scanners = Array.from(
      { length: workerCount },
      (_, i) => new ChaosWorker("scanner", `scanner-${i + 1}`, environment()),
    );
    const alerters = Array.from(
      { length: workerCount },
      (_, i) => new ChaosWorker("alerts", `alerts-${i + 1}`, environment()),
    );
    running.push(...scanners, ...alerters);
    await Promise.all([...scanners, ...alerters].map((worker) => worker.start(120_000)));
    const connection = { redisUrl: `redis://${cluster.nodes[0]}`, clusterNodes: cluster.nodes, prefix };
    const analyzeQueue = createQueue("analyze", connection);
    const analysedSoFar = async () => {
      let sum = 0;
      for (const worker of scanners) {
        const text = (await worker.metricsText()) ?? "";
        sum += Number(
          /^vpa_symbols_analyzed_total\{[^}]*outcome="analysed"[^}]*\} (\S+)/m.exec(text)?.[1] ?? 0,
        );
      }
      return sum;
    };
    const peakRss = { scanner: 0, alerts: 0 };
    const sampleMemory = () => {
      for (const worker of [...scanners, ...alerters]) {
        const memory = worker.pid === null ? null : processMemoryMiB(worker.pid);
        if (memory === null) continue;
        const kind = worker.kind === "scanner" ? "scanner" : "alerts";
        peakRss[kind] = Math.max(peakRss[kind], memory.rss);
      }
    };

    const redisBefore = await redisStats();
    const pid = (w: ChaosWorker) => w.pid as number;
    const cpuBefore = {
      scanner: cpuOf(scanners.map(pid)),
      alerts: cpuOf(alerters.map(pid)),
      redis: cpuOf(redisPids),
      bench: process.cpuUsage(),
    };
    const pgFirst = await postgresBackendCpu();
    const pgLast = new Map(pgFirst);
    const samplePostgres = async () => {
      for (const [backend, cpu] of await postgresBackendCpu()) pgLast.set(backend, cpu);
    };
    const writesBefore = await tableWrites();
    const postsBefore = webhookPosts;
    const cycles: number[] = [];
    let expected = 0;
    const started = performance.now();
    for (let minute = 0; minute < MINUTES; minute++) {
      const cycleStart = performance.now();
      await writeBars(symbols.map((symbol) => ({ symbol, bar: replay.get(symbol)![minute]! })));
      const plan = await scanMarket(db, analyzeQueue, { timeframe: "1m" });
      expected += plan.symbols.length;
      while ((await analysedSoFar()) < expected) await sleep(20);
      cycles.push((performance.now() - cycleStart) / 1000);
      sampleMemory();
      await samplePostgres();
    }
    const scanSeconds = (performance.now() - started) / 1000;
    // The alerts still in flight: until no alert is pending and no delivery owed.
    let drainSeconds = 0;
    const drainStart = performance.now();
    for (;;) {
      const state = (
        await sql<{ pending: number; owed: number }>`
        select (select count(*) from alerts where state = 'pending')::int as pending,
          (select count(*) from alert_deliveries where status in ('queued', 'retry', 'sending'))::int as owed`.execute(
          db,
        )
      ).rows[0]!;
      sampleMemory();
      if (state.pending === 0 && state.owed === 0) break;
      if (performance.now() - drainStart > 600_000) throw new Error("alerts did not drain in 10 minutes");
      await sleep(250);
    }
    drainSeconds = (performance.now() - drainStart) / 1000;
    await samplePostgres();
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpuSeconds = {
      scanner: cpuOf(scanners.map(pid)) - cpuBefore.scanner,
      alerts: cpuOf(alerters.map(pid)) - cpuBefore.alerts,
      redis: cpuOf(redisPids) - cpuBefore.redis,
      postgres: [...pgLast].reduce((sum, [backend, cpu]) => sum + cpu - (pgFirst.get(backend) ?? 0), 0),
      bench: (benchCpu.user + benchCpu.system) / 1e6,
    };
    const redisAfter = await redisStats();
    const counts = (
      await sql<{ signals: number; alerts: number; deliveries: number; sent: number }>`
      select (select count(*) from vpa_signals)::int as signals, (select count(*) from alerts)::int as alerts,
        (select count(*) from alert_deliveries)::int as deliveries,
        (select count(*) from alert_deliveries where status = 'sent')::int as sent`.execute(db)
    ).rows[0]!;
    await analyzeQueue.close();
    await Promise.all([...scanners, ...alerters].map((worker) => worker.close()));
    running.length = 0;
    // A backend reports its counters when it has been idle a while or exits: the workers are gone.
    await sleep(1_500);
    const writesAfter = await tableWrites();
    const problems = [...scanners, ...alerters].flatMap((w) => [...w.problems.keys()]);

    const analysed = expected;
    const redis = redisAfter.map((after, i) => ({
      port: after.port,
      master: after.master,
      calls: after.calls - redisBefore[i]!.calls,
      scriptCalls: after.scriptCalls - redisBefore[i]!.scriptCalls,
    }));
    const masters = redis.filter((r) => r.master);
    const redisCalls = masters.reduce((s, r) => s + r.calls, 0);
    const redisScripts = masters.reduce((s, r) => s + r.scriptCalls, 0);
    const busiest = Math.max(...masters.map((r) => r.calls));
    const writes: Record<string, TableWrites> = {};
    let rowsWritten = 0;
    for (const [table, after] of writesAfter) {
      const before = writesBefore.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
      const delta = {
        inserted: after.inserted - before.inserted,
        updated: after.updated - before.updated,
        deleted: after.deleted - before.deleted,
      };
      const total = delta.inserted + delta.updated + delta.deleted;
      if (total === 0) continue;
      writes[table] = delta;
      rowsWritten += total;
    }
    const result = {
      workers: workerCount,
      analysedBars: analysed,
      scanSeconds,
      barsPerSecond: analysed / scanSeconds,
      cycleP50: percentile(cycles, 0.5),
      cycleMax: Math.max(...cycles),
      drainSeconds,
      signals: counts.signals,
      alerts: counts.alerts,
      deliveries: counts.deliveries,
      sent: counts.sent,
      webhookPosts: webhookPosts - postsBefore,
      redisCallsPerBar: redisCalls / analysed,
      redisScriptCallsPerBar: redisScripts / analysed,
      busiestMasterShare: busiest / redisCalls,
      redisCallsPerSecond: redisCalls / (scanSeconds + drainSeconds),
      pgRowsWrittenPerBar: rowsWritten / analysed,
      pgWritesByTable: writes,
      cpuMsPerBar: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, (1000 * v) / analysed])),
      peakRssMiB: peakRss,
      problems,
    };
    results.push(result);
    log(
      `${workerCount} scanner + ${workerCount} alert process(es): ${fmt(analysed)} bars analysed in ${scanSeconds.toFixed(1)} s = ${fmt(result.barsPerSecond)} bars/s; minute cycle p50 ${result.cycleP50.toFixed(2)} s, max ${result.cycleMax.toFixed(2)} s; ${fmt(counts.signals)} signals, ${fmt(counts.alerts)} alerts, ${fmt(counts.sent)}/${fmt(counts.deliveries)} deliveries sent (${fmt(result.webhookPosts)} POSTs), drain ${drainSeconds.toFixed(1)} s`,
    );
    log(
      `  Redis: ${result.redisCallsPerBar.toFixed(2)} commands per analysed bar (${result.redisScriptCallsPerBar.toFixed(2)} of them script calls), busiest master ${(100 * result.busiestMasterShare).toFixed(0)} %; PostgreSQL: ${result.pgRowsWrittenPerBar.toFixed(2)} rows written per analysed bar: ${Object.entries(
        writes,
      )
        .map(([t, w]) => `${t} +${fmt(w.inserted)}/~${fmt(w.updated)}/-${fmt(w.deleted)}`)
        .join(", ")}; peak RSS scanner ${fmt(peakRss.scanner)} MiB, alerts ${fmt(peakRss.alerts)} MiB`,
    );
    log(
      `  CPU ms per analysed bar: ${Object.entries(result.cpuMsPerBar)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(
          ", ",
        )} (postgres: the bench database's backends; bench: the ingest write + scanMarket + polling)`,
    );
    if (problems.length > 0) log(`  worker warnings/errors: ${problems.slice(0, 5).join(" | ")}`);
  }

  // ── 5. Storage of a 1-minute bar (heap + primary key), on the simulated day's partition ──────────
  const storage = (
    await sql<{ partition: string; rows: number; bytes: number }>`
    select c.relname as partition, (select count(*) from market_data_intraday m where m.tableoid = c.oid)::int as rows,
      pg_total_relation_size(c.oid)::float8 as bytes
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'market_data_intraday'::regclass order by bytes desc limit 1`.execute(db)
  ).rows[0]!;
  const bytesPerBar = storage.bytes / storage.rows;
  log(
    `storage: ${storage.partition} holds ${fmt(storage.rows)} 1-minute bars in ${fmt(storage.bytes / 2 ** 20, 1)} MiB (heap + primary key) = ${bytesPerBar.toFixed(0)} bytes a bar`,
  );

  if (args.json !== undefined)
    await writeFile(
      args.json,
      `${JSON.stringify({ symbols: symbols.length, minutes: MINUTES, subscribers: SUBSCRIBERS, results, bytesPerBar }, null, 2)}\n`,
    );
} finally {
  await Promise.all(running.map((worker) => worker.close().catch(() => {})));
  await new Promise<void>((done) => sink.close(() => done()));
  await telegram.close();
  await cluster.stop();
  await handle.close();
  await adminQuery(`drop database if exists ${database} with (force)`);
}
