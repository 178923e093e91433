/**
 * Alert delivery benchmark (issue 11). Prints figures; not a test, no limits.
 *
 *   node_modules/.bin/node --max-semi-space-size=16 bench/alerts/run.ts [--quick] [--workers 1,2,4]
 *     [--subscribers 10000] [--groups 1000] [--latency-samples 20] [--sample-timeout 10] [--json results.json] [--bundle]
 *
 * --bundle runs the workers from the image's bundle (tools/bundle, `node dist/main.js`) instead of
 * the TypeScript sources, as the image does. Workers get the image's NODE_OPTIONS
 * (--max-semi-space-size=16), or `--worker-node-options '<flags>'`.
 *
 * The after-close scan of the whole market: every signal vpa-core finds on the shared dataset's
 * last market close (1,677 symbols), stored with its 80 bars (for the charts) as the analyze jobs
 * store them, each with a pending alert of its scan. 10,000 Telegram subscribers (`--quick`: 1,000,
 * a tenth of them groups), mixed filters (every symbol at score 60 or 70, a 20-symbol watch list,
 * three signal types; groups every symbol at 75 or a 30-symbol watch list), Vietnamese or English,
 * one in twenty in instant mode (the rest get the default digest). A loopback Telegram
 * (test-support/telegram-stand-in.ts) enforces the real limits: 429 past 30 messages/s per bot,
 * 1/s per chat, 20/min per group.
 *
 * For 1, 2 and 4 real alert worker processes (`vpa worker alerts`, spawned as bench/chaos does;
 * a fresh queue prefix and Telegram each time): the scan's alert jobs and its digest job are
 * enqueued at once, and the fan-out runs until every owed delivery is settled. Reported:
 * - sustained messages/s (accepted between the 10th and 90th percentile of acceptance times)
 *   against the 30/s ceiling (goal ≥ 95 %), 429s received (goal 0), drain time (from enqueue to
 *   the last delivery settled);
 * - latency from a HIGH signal stored to Telegram accepting it (its chart included), p50/p99, with
 *   no backlog (goal p99 < 100 ms): after the drain, `--latency-samples` HIGH signals of a symbol
 *   only one chat watches, 1.2 s apart, stored and enqueued as the analyze job does (with
 *   --drain-timeout shorter than the drain, behind what is left of the backlog: each sample is
 *   its own message, matched by its date, and one not accepted within --sample-timeout seconds is
 *   reported with where it stopped);
 * - RSS per alert worker process (the peak VmHWM; goal < 150 MB).
 * - Chart render time per signal (SVG + PNG, the workers' code), measured in this process.
 *
 * Needs PostgreSQL and Redis (DATABASE_URL: its server is used, REDIS_URL; default the local ones). Uses a
 * database of its own, `vpa_bench_alerts`, made again each run.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { arch, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { bundleApp } from "@vpa/bundle";
import { sql } from "kysely";
import { alertChartInput } from "../../apps/alerts/src/chart/alert-chart-input.ts";
import { renderChartPng } from "../../apps/alerts/src/chart/render-chart-png.ts";
import { renderChartSvg } from "../../apps/alerts/src/chart/render-chart-svg.ts";
import {
  createDatabase,
  createPendingAlerts,
  createScan,
  findSignal,
  insertSignals,
  loadChartBars,
  migrateToLatest,
  upsertStocks,
  writeBarColumns,
} from "../../packages/db/src/index.ts";
import {
  ALERT_JOB_PRIORITY,
  alertJobId,
  createQueue,
  deliveryJobId,
  digestJobId,
} from "../../packages/runtime/src/index.ts";
import { analyzeColumns, SIGNAL_TYPES, type SignalRecord } from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { removeQueuePrefix } from "../../test-support/queues.ts";
import { seededRandom } from "../../test-support/seeded-random.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../test-support/telegram-stand-in.ts";
import { ChaosWorker } from "../chaos/chaos-worker.ts";
import { processMemoryMiB } from "../scan/proc-stats.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    workers: { type: "string", default: "1,2,4" },
    subscribers: { type: "string" },
    groups: { type: "string" },
    "latency-samples": { type: "string" },
    "sample-timeout": { type: "string", default: "10" },
    "drain-timeout": { type: "string", default: "3600" },
    json: { type: "string" },
    bundle: { type: "boolean", default: false },
    "worker-node-options": { type: "string", default: "--max-semi-space-size=16" },
  },
});
const SUBSCRIBERS = Number(values.subscribers ?? (values.quick ? 1_000 : 10_000));
const GROUPS = Number(values.groups ?? Math.round(SUBSCRIBERS / 10));
const LATENCY_SAMPLES = Number(values["latency-samples"] ?? (values.quick ? 10 : 20));
const WORKER_COUNTS = values.workers.split(",").map(Number);
const DRAIN_TIMEOUT_MS = Number(values["drain-timeout"]) * 1000;
const TOKEN = "424242:BENCH-alerts-abcdefghijklmnopqrstuvwxyz";
const LATENCY_SYMBOL = "ZZLAT";
/** A latency sample not accepted by then is reported as such (and where it stopped), not counted. */
const SAMPLE_TIMEOUT_MS = Number(values["sample-timeout"]) * 1000;
const LATENCY_CHAT = "999999999";
const ROOT = new URL("../../", import.meta.url).pathname;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVER = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** With --bundle: the bundle's entry, built once before the runs. */
const WORKER_ENTRY = values.bundle
  ? (await bundleApp({ root: ROOT, outDir: `${ROOT}.vpa/bench-alerts-bundle` })).entry
  : undefined;

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};
const log = (line: string) => console.log(line);

if (!sharedDataAvailable) {
  log(`shared dataset not found at ${SHARED_DAILY_DATA_PATH}: nothing to benchmark`);
  process.exit(0);
}
log(
  `node ${process.version} · ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

// ── the scan: every signal of the last market close ────────────────────────────────────────────
const exchanges = new Map<string, "HOSE" | "HNX" | "UPCOM">();
for (const line of readFileSync(`${ROOT}../shared/data/vn-symbols.csv`, "utf8").split("\n").slice(1)) {
  const [ticker, , exchange] = line.split(",");
  if (ticker && (exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM"))
    exchanges.set(ticker, exchange);
}
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
const symbolsOn = new Map<string, number>();
for (const s of data.series)
  for (const time of s.columns.time.slice(-30)) symbolsOn.set(time, (symbolsOn.get(time) ?? 0) + 1);
const lastClose = [...symbolsOn]
  .filter(([, count]) => count >= data.series.length / 3)
  .map(([day]) => day)
  .sort()
  .at(-1)!;
const scanSignals = new Map<string, SignalRecord[]>();
for (const s of data.series) {
  if (!s.columns.time.includes(lastClose)) continue;
  const through = s.columns.time.indexOf(lastClose) + 1;
  const columns = {
    time: s.columns.time.slice(0, through),
    open: s.columns.open.slice(0, through),
    high: s.columns.high.slice(0, through),
    low: s.columns.low.slice(0, through),
    close: s.columns.close.slice(0, through),
    volume: s.columns.volume.slice(0, through),
  };
  const found = analyzeColumns(s.symbol, columns).filter(
    (r): r is SignalRecord => r.kind === "signal" && r.time === lastClose,
  );
  if (found.length > 0) scanSignals.set(s.symbol, found);
}
const signalCount = [...scanSignals.values()].reduce((sum, list) => sum + list.length, 0);
const highCount = [...scanSignals.values()].flat().filter((s) => s.priority === "HIGH").length;
log(
  `scan of ${lastClose}: ${fmt(signalCount)} signals (${highCount} HIGH) on ${scanSignals.size} of ${data.series.length} symbols`,
);

// ── the database ──────────────────────────────────────────────────────────────────────────────
const databaseUrl = (() => {
  const url = new URL(SERVER);
  url.pathname = "/vpa_bench_alerts";
  return url.toString();
})();
/** Drops the bench's database (the workers' Redis keys go with each run). */
async function dropBenchDatabase(): Promise<void> {
  const admin = createDatabase({ url: SERVER });
  try {
    await admin.pool.query("drop database if exists vpa_bench_alerts with (force)");
  } finally {
    await admin.close();
  }
}
{
  await dropBenchDatabase();
  const admin = createDatabase({ url: SERVER });
  await admin.pool.query("create database vpa_bench_alerts");
  await admin.close();
}
// A run that fails or is interrupted leaves nothing behind either: the database goes, then the
// process ends as it would have (the error printed, exit code 1; 130 on Ctrl-C).
const dropThenExit = (code: number) => {
  dropBenchDatabase()
    .catch((error: unknown) => console.error(`could not drop vpa_bench_alerts: ${String(error)}`))
    .finally(() => process.exit(code));
};
process.once("uncaughtException", (error) => {
  console.error(error);
  dropThenExit(1);
});
process.once("SIGINT", () => dropThenExit(130));
const database = createDatabase({ url: databaseUrl });
const db = database.db;
await migrateToLatest(db);
const allSymbols = data.series.map((s) => s.symbol);
const ids = await upsertStocks(db, [
  ...allSymbols.map((symbol) => ({ symbol, exchange: exchanges.get(symbol) ?? null })),
  { symbol: LATENCY_SYMBOL, exchange: "HOSE" as const },
]);
const seconds = (time: string) => Date.parse(`${time}T00:00:00+07:00`) / 1000;
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
const storedSignals: { id: number; priority: "HIGH" | "MEDIUM" | "LOW" }[] = [];
for (const s of data.series) {
  const found = scanSignals.get(s.symbol);
  if (found === undefined) continue;
  const end = s.columns.time.indexOf(lastClose) + 1;
  for (let i = Math.max(0, end - 80); i < end; i++) {
    batch.stockIds.push(ids.get(s.symbol)!);
    batch.times.push(seconds(s.columns.time[i]!));
    batch.open.push(s.columns.open[i]!);
    batch.high.push(s.columns.high[i]!);
    batch.low.push(s.columns.low[i]!);
    batch.close.push(s.columns.close[i]!);
    batch.volume.push(s.columns.volume[i]!);
  }
  const stored = await insertSignals(db, ids.get(s.symbol)!, "1D", found);
  for (const [index, row] of stored.entries())
    storedSignals.push({ id: row.id, priority: found[index]!.priority });
}
// The latency symbol: 80 bars before the last close and one a day after it, for the samples.
const latencyDays: string[] = [];
for (
  let day = Date.parse(`${lastClose}T00:00:00Z`) - 80 * 86_400_000;
  latencyDays.length < 80 + 4 * LATENCY_SAMPLES * WORKER_COUNTS.length;
  day += 86_400_000
)
  latencyDays.push(new Date(day).toISOString().slice(0, 10));
for (const [i, time] of latencyDays.entries()) {
  const close = 20 + Math.sin(i / 5);
  batch.stockIds.push(ids.get(LATENCY_SYMBOL)!);
  batch.times.push(seconds(time));
  batch.open.push(close - 0.1);
  batch.high.push(close + 0.3);
  batch.low.push(close - 0.4);
  batch.close.push(close);
  batch.volume.push(1_000_000 + (i % 7) * 100_000);
}
await flush();

// ── chart render time per signal (the workers' code, this process) ───────────────────────────────
const renderMs: number[] = [];
for (const { id } of storedSignals.slice(0, 200)) {
  const signal = await findSignal(db, id);
  const chart = signal === undefined ? null : alertChartInput(signal, await loadChartBars(db, id));
  if (chart === null) continue;
  const t0 = performance.now();
  await renderChartPng(renderChartSvg(chart.input));
  renderMs.push(performance.now() - t0);
}
log(
  `chart render per signal (SVG + PNG, ${renderMs.length} signals): median ${fmt(percentile(renderMs, 0.5), 1)} ms, p95 ${fmt(percentile(renderMs, 0.95), 1)} ms`,
);

// ── the subscribers ───────────────────────────────────────────────────────────────────────────
const random = seededRandom(11);
const pick = <T>(list: readonly T[], count: number) => {
  const copy = [...list];
  const out: T[] = [];
  while (out.length < count && copy.length > 0)
    out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
  return out;
};
const scanSymbols = [...scanSignals.keys()];
const subscriberRows: { address: string; language: string; mode: string }[] = [];
const subscriptionRows: {
  address: string;
  symbols: string[] | null;
  types: string[] | null;
  minScore: number;
}[] = [];
for (let i = 0; i < SUBSCRIBERS; i++) {
  const group = i >= SUBSCRIBERS - GROUPS;
  const address = group ? `-100${String(1_000_000_000 + i)}` : String(100_000_000 + i);
  subscriberRows.push({
    address,
    language: i % 3 === 0 ? "en" : "vi",
    mode: !group && i % 20 === 7 ? "instant" : "digest",
  });
  // Watch lists draw mostly from the scan's symbols, as a trader's list holds what moves.
  const watch = (n: number) => [...new Set([...pick(scanSymbols, n / 2), ...pick(allSymbols, n / 2)])];
  if (group) {
    subscriptionRows.push(
      i % 2 === 0
        ? { address, symbols: null, types: null, minScore: 75 }
        : { address, symbols: watch(30), types: null, minScore: 0 },
    );
  } else if (i % 4 === 0) subscriptionRows.push({ address, symbols: null, types: null, minScore: 60 });
  else if (i % 4 === 1) subscriptionRows.push({ address, symbols: null, types: null, minScore: 70 });
  else if (i % 4 === 2) subscriptionRows.push({ address, symbols: watch(20), types: null, minScore: 0 });
  else subscriptionRows.push({ address, symbols: null, types: pick(SIGNAL_TYPES, 3), minScore: 50 });
}
subscriberRows.push({ address: LATENCY_CHAT, language: "vi", mode: "instant" });
subscriptionRows.push({ address: LATENCY_CHAT, symbols: [LATENCY_SYMBOL], types: null, minScore: 0 });
await sql`
  insert into subscribers (channel, address, language, delivery_mode)
  select 'telegram', a, l, m from unnest(${subscriberRows.map((r) => r.address)}::text[],
    ${subscriberRows.map((r) => r.language)}::text[], ${subscriberRows.map((r) => r.mode)}::text[]) as t(a, l, m)
`.execute(db);
for (const row of subscriptionRows) {
  await sql`
    insert into subscriptions (subscriber_id, symbols, signal_types, min_score)
    select id, ${row.symbols}::text[], ${row.types}::text[], ${row.minScore} from subscribers where address = ${row.address}
  `.execute(db);
}
log(
  `subscribers: ${fmt(SUBSCRIBERS)} (${fmt(SUBSCRIBERS - GROUPS)} private chats, ${fmt(GROUPS)} groups; vi and en; 1 in 20 private chats instant), plus the latency chat`,
);

// ── one run per worker count ──────────────────────────────────────────────────────────────────
interface RunResult {
  readonly workers: number;
  readonly messages: number;
  readonly deliveries: Record<string, number>;
  readonly sustainedPerSecond: number;
  readonly ceilingShare: number;
  readonly tooMany: number;
  readonly tooManySteady: number;
  readonly drainSeconds: number | null;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly samples: number };
  readonly peakRssMiB: readonly number[];
  /** The process's own pages at their sampled peak (RssAnon: VmRSS less the node binary's and libraries' shared file pages). */
  readonly peakAnonMiB: readonly number[];
  /** The peak of each worker's V8 heap in use and of its external memory (buffers), from /metrics. */
  readonly peakHeapMiB: readonly number[];
  readonly peakExternalMiB: readonly number[];
  /**
   * The drain's charts, summed over the workers' `vpa_alert_charts_total`, against the signals that
   * had an instant delivery (one chart each): `drawn` above `signals` is charts drawn twice.
   */
  readonly charts: {
    readonly drawn: number;
    readonly cache: number;
    readonly none: number;
    readonly signals: number;
  };
}

/** A worker's `vpa_alert_charts_total{source}` from its /metrics text. */
function chartSourcesOf(text: string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of (text ?? "").matchAll(/^vpa_alert_charts_total\{source="(\w+)"\} (\S+)$/gm))
    counts[match[1]!] = Number(match[2]);
  return counts;
}

async function runWith(workerCount: number): Promise<RunResult> {
  const prefix = `vpa-bench-alerts-${workerCount}-${Date.now()}`;
  const telegram: TelegramStandIn = await startTelegramStandIn({ token: TOKEN, floodControl: true });
  const logDir = await mkdtemp(join(tmpdir(), "vpa-bench-alerts-"));
  await sql`truncate alerts, scans, digests cascade`.execute(db);
  await sql`update subscriptions set is_active = true`.execute(db);
  const scanId = await createScan(db, { timeframe: "1D", analyzeJobIds: [] });
  await createPendingAlerts(
    db,
    storedSignals.map((s) => ({ signalId: s.id, priority: s.priority })),
    scanId,
  );
  const workers = Array.from(
    { length: workerCount },
    (_, i) =>
      new ChaosWorker("alerts", `alerts-${i + 1}`, {
        databaseUrl,
        redisUrl: REDIS_URL,
        queuePrefix: prefix,
        telegramToken: TOKEN,
        telegramApiRoot: telegram.apiRoot,
        logDir,
        extra: {
          LOG_LEVEL: "error",
          NODE_OPTIONS: values["worker-node-options"],
        },
        ...(WORKER_ENTRY === undefined ? {} : { entry: WORKER_ENTRY }),
      }),
  );
  await Promise.all(workers.map((worker) => worker.start()));
  const connection = { redisUrl: REDIS_URL, prefix };
  const alerts = createQueue("alerts", connection);
  const digests = createQueue("digests", connection);
  const deliveryQueue = createQueue("deliveries", connection);
  const peak = workers.map(() => 0);
  const peakAnon = workers.map(() => 0);
  const peakHeap = workers.map(() => 0);
  const peakExternal = workers.map(() => 0);
  const gauge = (text: string, name: string) =>
    Number(new RegExp(`^vpa_${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1] ?? 0) / 2 ** 20;
  const sampleMemory = () => {
    for (const [i, worker] of workers.entries()) {
      const memory = worker.pid === null ? null : processMemoryMiB(worker.pid);
      if (memory !== null) {
        peak[i] = Math.max(peak[i]!, memory.hwm);
        peakAnon[i] = Math.max(peakAnon[i]!, memory.anon);
      }
      void worker.metricsText().then((text) => {
        if (text === null) return;
        peakHeap[i] = Math.max(peakHeap[i]!, gauge(text, "nodejs_heap_size_used_bytes"));
        peakExternal[i] = Math.max(peakExternal[i]!, gauge(text, "nodejs_external_memory_bytes"));
      });
    }
  };

  const started = Date.now();
  await alerts.addBulk(
    storedSignals.map((s) => ({
      payload: { signalId: s.id },
      jobId: alertJobId({ signalId: s.id }),
      priority: ALERT_JOB_PRIORITY[s.priority],
    })),
  );
  await digests.add({ scanId }, { jobId: digestJobId({ scanId }) });
  let drainSeconds: number | null = null;
  let lastReport = Date.now();
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    await sleep(1_000);
    sampleMemory();
    const state = (
      await sql<{ pending: number; unbuilt: number; owed: number; rows: number }>`
        select (select count(*) from alerts where state = 'pending')::int as pending,
          (select count(*) from scans where digest_state <> 'built')::int as unbuilt,
          (select count(*) from alert_deliveries where status in ('queued', 'retry', 'sending'))::int as owed,
          (select count(*) from alert_deliveries)::int as rows`.execute(db)
    ).rows[0]!;
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      log(
        `    ${workerCount} worker(s), ${fmt((Date.now() - started) / 1000)} s: ${fmt(telegram.sentMessages.length + telegram.sentPhotos.length)} accepted, ${fmt(state.owed)} of ${fmt(state.rows)} deliveries owed`,
      );
    }
    if (state.pending === 0 && state.unbuilt === 0 && state.owed === 0 && state.rows > 0) {
      drainSeconds = (Date.now() - started) / 1000;
      break;
    }
  }
  // The drain's charts, before the latency samples add their own.
  const chartTexts = await Promise.all(workers.map((worker) => worker.metricsText()));
  const chartCounts = chartTexts.map(chartSourcesOf);
  const sumOf = (source: string) => chartCounts.reduce((sum, counts) => sum + (counts[source] ?? 0), 0);
  const charts = {
    drawn: sumOf("drawn"),
    cache: sumOf("cache"),
    none: sumOf("none"),
    signals: (
      await sql<{ n: number }>`
        select count(distinct a.signal_id)::int as n from alert_deliveries d join alerts a on a.id = d.alert_id`.execute(
        db,
      )
    ).rows[0]!.n,
  };
  const acceptedAt = telegram.requests
    .filter((r) => (r.method === "sendMessage" || r.method === "sendPhoto") && r.status === 200)
    .map((r) => r.receivedAt)
    .sort((a, b) => a - b);
  const from = percentile(acceptedAt, 0.1);
  const to = percentile(acceptedAt, 0.9);
  const inWindow = acceptedAt.filter((t) => t >= from && t <= to).length;
  const sustained = to > from ? (inWindow - 1) / ((to - from) / 1000) : Number.NaN;
  const tooMany = telegram.requests.filter((r) => r.status === 429).length;
  // Steady state: the 429s answered inside the sustained window (10th to 90th percentile).
  const tooManySteady = telegram.requests.filter(
    (r) => r.status === 429 && r.receivedAt >= from && r.receivedAt <= to,
  ).length;
  const deliveries = Object.fromEntries(
    (
      await sql<{
        status: string;
        n: number;
      }>`select status, count(*)::int as n from alert_deliveries group by status`.execute(db)
    ).rows.map((r) => [r.status, r.n]),
  );

  // Latency with no backlog: only the latency chat is subscribed now.
  await sql`update subscriptions set is_active = false where symbols is distinct from ${[LATENCY_SYMBOL]}::text[]`.execute(
    db,
  );
  const latencies: number[] = [];
  const nextDays = latencyDays.slice(80 + WORKER_COUNTS.indexOf(workerCount) * 2 * LATENCY_SAMPLES);
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const time = nextDays[i]!;
    const t0 = Date.now();
    const [row] = await insertSignals(db, ids.get(LATENCY_SYMBOL)!, "1D", [
      {
        time,
        type: "SELLING_CLIMAX",
        bias: "bull",
        score: 90,
        confidence: 0.7,
        priority: "HIGH",
        variant: null,
        features: { vr: 3.2, sr: 2.1, cl: 0.7, trend: "down" },
        close: 20,
        volume: 3_000_000,
        priceChange: -0.03,
      },
    ]);
    await createPendingAlerts(db, [{ signalId: row!.id, priority: "HIGH" }], null);
    await alerts.add(
      { signalId: row!.id },
      { jobId: alertJobId({ signalId: row!.id }), priority: ALERT_JOB_PRIORITY.HIGH },
    );
    // This sample's own message (its bar date, as the vi caption writes it: 05/07/2021): an earlier
    // sample still queued behind a backlog must not be taken for this one.
    const [year, month, day] = time.split("-");
    const dateText = `${day}/${month}/${year}`;
    const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
    let accepted: number | undefined;
    while (accepted === undefined && Date.now() < deadline) {
      accepted = telegram.requests.find(
        (r) =>
          (r.method === "sendPhoto" || r.method === "sendMessage") &&
          r.status === 200 &&
          String(r.params.chat_id) === LATENCY_CHAT &&
          r.receivedAt >= t0 &&
          String(r.params.caption ?? r.params.text ?? "").includes(dateText),
      )?.receivedAt;
      if (accepted === undefined) await sleep(2);
    }
    if (accepted !== undefined) latencies.push(accepted - t0);
    else {
      // Say where it stopped: the ledger's row for the latency chat and its delivery job's state.
      const rows = (
        await sql<{ id: string; status: string; attempts: number; error: string | null }>`
          select d.id, d.status, d.attempts, d.error from alert_deliveries d
          join alerts a on a.id = d.alert_id where a.signal_id = ${row!.id}`.execute(db)
      ).rows;
      const alertJob = await alerts.queue.getJob(alertJobId({ signalId: row!.id }));
      const states = await Promise.all(
        rows.map(async (r) =>
          (await deliveryQueue.queue.getJob(deliveryJobId({ deliveryId: Number(r.id) })))?.getState(),
        ),
      );
      console.log(
        `    latency sample ${i}: not accepted within ${SAMPLE_TIMEOUT_MS / 1000} s; alert job ${await alertJob?.getState()}, deliveries ${JSON.stringify(rows.map((r, k) => ({ ...r, job: states[k] })))}`,
      );
    }
    sampleMemory();
    await sleep(1_200);
  }
  await Promise.all(workers.map((worker) => worker.stop("SIGTERM", 20_000)));
  await alerts.close();
  await digests.close();
  await deliveryQueue.close();
  await removeQueuePrefix(connection);
  await telegram.close();
  await rm(logDir, { recursive: true, force: true });
  return {
    workers: workerCount,
    messages: acceptedAt.length,
    deliveries,
    sustainedPerSecond: sustained,
    ceilingShare: sustained / 30,
    tooMany,
    tooManySteady,
    drainSeconds,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      samples: latencies.length,
    },
    peakRssMiB: peak,
    peakAnonMiB: peakAnon,
    peakHeapMiB: peakHeap,
    peakExternalMiB: peakExternal,
    charts,
  };
}

const results: RunResult[] = [];
for (const count of WORKER_COUNTS) {
  log(`running with ${count} alert worker process(es)…`);
  const result = await runWith(count);
  results.push(result);
  log(
    `  ${count} worker(s): ${fmt(result.messages)} messages (${JSON.stringify(result.deliveries)}), sustained ${fmt(result.sustainedPerSecond, 1)} msg/s ` +
      `= ${fmt(result.ceilingShare * 100, 1)} % of 30/s, ${result.tooMany} × 429 (${result.tooManySteady} in the sustained window), drain ${result.drainSeconds === null ? "not drained" : `${fmt(result.drainSeconds, 1)} s`}, ` +
      `HIGH latency p50 ${fmt(result.latencyMs.p50)} ms p99 ${fmt(result.latencyMs.p99)} ms (${result.latencyMs.samples} samples), ` +
      `charts drawn ${result.charts.drawn} for ${result.charts.signals} signals (from the cache ${result.charts.cache}, none ${result.charts.none}), ` +
      `peak RSS ${result.peakRssMiB.map((m) => `${fmt(m)} MiB`).join(", ")}, own (RssAnon, sampled) ${result.peakAnonMiB.map((m) => `${fmt(m)} MiB`).join(", ")} (V8 heap used ${result.peakHeapMiB.map((m) => fmt(m)).join(", ")} MiB, external ${result.peakExternalMiB.map((m) => fmt(m)).join(", ")} MiB)`,
  );
}
log("");
log(
  "| alert workers | messages | sustained msg/s (share of 30/s) | 429s (in the sustained window) | drain | HIGH latency p50 / p99 | charts drawn / signals | peak RSS per worker |",
);
log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  log(
    `| ${r.workers} | ${fmt(r.messages)} | ${fmt(r.sustainedPerSecond, 1)} (${fmt(r.ceilingShare * 100, 1)} %) | ${r.tooMany} (${r.tooManySteady}) | ${r.drainSeconds === null ? "not drained" : `${fmt(r.drainSeconds, 1)} s`} | ${fmt(r.latencyMs.p50)} / ${fmt(r.latencyMs.p99)} ms | ${r.charts.drawn} / ${r.charts.signals} | ${r.peakRssMiB.map((m) => fmt(m)).join(", ")} MiB |`,
  );
}
if (values.json !== undefined)
  await writeFile(
    values.json,
    JSON.stringify(
      {
        lastClose,
        signals: signalCount,
        highCount,
        subscribers: SUBSCRIBERS,
        groups: GROUPS,
        renderMs: { p50: percentile(renderMs, 0.5), p95: percentile(renderMs, 0.95) },
        results,
      },
      null,
      2,
    ),
  );
await database.close();
// Nothing of the bench stays behind: its database goes (Redis keys go with each run's workers).
await dropBenchDatabase();
