/**
 * Signal track record benchmark (issue 12). Prints figures; not a test, no limits.
 *
 *   node_modules/.bin/node bench/track-record/run.ts [--symbols N] [--runs 3] [--closes 5] [--database]
 *
 * (a) the whole track record over the shared dataset: analysis of every symbol, every signal's
 *     outcome at 1, 5, 10, 20 bars, one chance entry per signal, every group's figures with their
 *     intervals and the reliability table (goal: under 5 s on one core);
 * (b) the update after one close for the whole market, in memory: each symbol's new bar through its
 *     streaming analyser, the open signals advanced (`advanceOutcomes`), the new ones placed, and
 *     every group's running count, hits and sum updated (goal: under 200 ms);
 * (c) with --database: the same close through PostgreSQL (`updateTrackRecord`: find the work, load
 *     the bars it needs, compute, upsert), on a database of its own, `vpa_bench_track_record`.
 * --symbols N takes the first N symbols only (a quick check that it runs); --skip-study skips (a).
 */
import { readFileSync } from "node:fs";
import { arch, cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { updateTrackRecord } from "../../apps/scanner/src/track-record/update-track-record.ts";
import {
  createDatabase,
  insertSignals,
  migrateToLatest,
  upsertStocks,
  writeBarColumns,
} from "../../packages/db/src/index.ts";
import {
  advanceOutcomes,
  analyzeColumns,
  type BarColumns,
  countBarsThrough,
  createStreamingAnalyzer,
  groupKeyOf,
  isHit,
  LONGEST_TRACK_RECORD_HORIZON,
  netReturnAfter,
  roundTripCosts,
  type SignalOutcome,
  type SignalRecord,
  type StreamingAnalyzer,
  summarizeTrackRecord,
  TRACK_RECORD_DIMENSIONS,
  TRACK_RECORD_HORIZONS,
  type TrackRecordInput,
  trackSignals,
  trackUniverse,
} from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const { values } = parseArgs({
  options: {
    symbols: { type: "string" },
    runs: { type: "string", default: "3" },
    closes: { type: "string", default: "5" },
    database: { type: "boolean", default: false },
    "skip-study": { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const CLOSES = Number(values.closes);
const SEED = 12;
const HORIZONS = TRACK_RECORD_HORIZONS;
const costs = roundTripCosts();
const ROOT = new URL("../../", import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });

if (!sharedDataAvailable) {
  console.log(`shared dataset not found at ${SHARED_DAILY_DATA_PATH}: nothing to benchmark`);
  process.exit(0);
}
console.log(
  `node ${process.version} · ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

// Exchanges from the metadata file (709 of 1,681 symbols); the others are "unknown".
const exchanges = new Map<string, "HOSE" | "HNX" | "UPCOM">();
for (const line of readFileSync(`${ROOT}../shared/data/vn-symbols.csv`, "utf8").split("\n").slice(1)) {
  const [ticker, , exchange] = line.split(",");
  if (ticker && (exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM"))
    exchanges.set(ticker, exchange);
}

let start = performance.now();
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
const series = values.symbols === undefined ? data.series : data.series.slice(0, Number(values.symbols));
const bars = series.reduce((sum, s) => sum + s.columns.time.length, 0);
console.log(
  `load: ${fmt(bars)} bars, ${series.length} symbols in ${fmt((performance.now() - start) / 1000, 2)} s (not timed below)`,
);

// ── (a) the whole track record ──────────────────────────────────────────────────────────────────
const runs: { analyze: number; track: number; summarize: number }[] = [];
let signals = 0;
let groups = 0;
let finalAt5 = 0;
for (let run = 0; run <= (values["skip-study"] ? -1 : RUNS); run++) {
  const t0 = performance.now();
  const inputs: TrackRecordInput[] = series.map((s) => ({
    symbol: s.symbol,
    exchange: exchanges.get(s.symbol) ?? null,
    columns: s.columns,
    signals: analyzeColumns(s.symbol, s.columns).filter((r): r is SignalRecord => r.kind === "signal"),
  }));
  const t1 = performance.now();
  const universe = trackUniverse(inputs, { seed: SEED });
  const t2 = performance.now();
  const record = summarizeTrackRecord(universe, { seed: SEED });
  const t3 = performance.now();
  runs.push({ analyze: t1 - t0, track: t2 - t1, summarize: t3 - t2 });
  signals = record.signalCount;
  groups = record.groups.length;
  finalAt5 = record.groups
    .filter((g) => g.dimension === "all" && g.horizon === 5)
    .reduce((sum, g) => sum + g.signals.count, 0);
}
const timed = runs.slice(1); // the first run warms the JIT up
const total = (r: (typeof runs)[number]) => r.analyze + r.track + r.summarize;
if (runs.length > 0) {
  console.log(
    `(a) whole track record: median ${fmt(median(timed.map(total)))} ms = analysis ${fmt(median(timed.map((r) => r.analyze)))} + ` +
      `outcomes and chance draws ${fmt(median(timed.map((r) => r.track)))} + groups and intervals ${fmt(median(timed.map((r) => r.summarize)))} ms ` +
      `(goal < 5,000 ms); first run ${fmt(total(runs[0]!))} ms; runs ${runs.map((r) => fmt(total(r))).join(" ")}`,
  );
  console.log(
    `    ${fmt(signals)} signals × ${HORIZONS.length} horizons + as many chance entries; ${fmt(finalAt5)} final at 5 bars; ${groups} groups`,
  );
}

// ── (b) the update after one close, in memory ───────────────────────────────────────────────────
/** A group's running figures at each horizon: what the update after a close maintains. */
interface Tally {
  count: number;
  hits: number;
  sum: number;
  chanceCount: number;
  chanceHits: number;
  chanceSum: number;
}
const tallies = new Map<string, Tally>();
function tally(outcome: SignalOutcome, horizon: number, ret: number | null, chance: number | null): void {
  for (const dimension of TRACK_RECORD_DIMENSIONS) {
    const name = `${dimension}|${groupKeyOf(outcome, dimension)}|${outcome.signal.bias}|${horizon}`;
    let t = tallies.get(name);
    if (t === undefined) {
      t = { count: 0, hits: 0, sum: 0, chanceCount: 0, chanceHits: 0, chanceSum: 0 };
      tallies.set(name, t);
    }
    if (ret !== null) {
      t.count++;
      t.sum += ret;
      if (isHit(outcome.signal.bias, ret)) t.hits++;
    }
    if (chance !== null) {
      t.chanceCount++;
      t.chanceSum += chance;
      if (isHit(outcome.signal.bias, chance)) t.chanceHits++;
    }
  }
}

// The market's last CLOSES sessions (days on which at least half the symbols trade: a few symbols
// run on past the rest of the data); the state is built as of the session before the first.
const symbolsOn = new Map<string, number>();
for (const s of series)
  for (const t of s.columns.time.slice(-250)) symbolsOn.set(t, (symbolsOn.get(t) ?? 0) + 1);
const busiest = Math.max(...symbolsOn.values());
const sessions = [...symbolsOn]
  .filter(([, n]) => n >= busiest / 2)
  .map(([t]) => t)
  .sort();
const dates = sessions.slice(-CLOSES);
interface SymbolState {
  readonly symbol: string;
  readonly exchange: "HOSE" | "HNX" | "UPCOM" | null;
  readonly columns: BarColumns;
  length: number;
  readonly analyzer: StreamingAnalyzer;
  open: SignalOutcome[];
}
start = performance.now();
const previousDay = sessions[sessions.length - CLOSES - 1]!;
const states: SymbolState[] = [];
for (const s of series) {
  const length = countBarsThrough(s.columns.time, s.columns.time.length, previousDay);
  const analyzer = createStreamingAnalyzer(s.symbol);
  const past: SignalRecord[] = [];
  const c = s.columns;
  for (let i = 0; i < length; i++) {
    for (const r of analyzer.update({
      time: c.time[i]!,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
    }))
      if (r.kind === "signal") past.push(r);
  }
  const view = { symbol: s.symbol, exchange: exchanges.get(s.symbol) ?? null, columns: c, length };
  const outcomes = trackSignals(view, past, { seed: SEED, asOf: previousDay });
  const open: SignalOutcome[] = [];
  for (const o of outcomes) {
    const chanceBar = o.chance.status === "drawn" ? o.chance.bar : -1;
    for (const h of HORIZONS) {
      const r = netReturnAfter(c, length, o.bar, h, costs);
      const q = netReturnAfter(c, length, chanceBar, h, costs);
      tally(o, h, Number.isNaN(r) ? null : r, Number.isNaN(q) ? null : q);
    }
    const settled =
      o.bar + LONGEST_TRACK_RECORD_HORIZON < length &&
      (o.chance.status === "none" || (chanceBar >= 0 && chanceBar + LONGEST_TRACK_RECORD_HORIZON < length));
    if (!settled) open.push(o);
  }
  states.push({ symbol: s.symbol, exchange: view.exchange, columns: c, length, analyzer, open });
}
console.log(
  `(b) state as of ${previousDay} built in ${fmt((performance.now() - start) / 1000, 1)} s (not timed): ` +
    `${fmt(states.reduce((n, s) => n + s.open.length, 0))} open signals, ${fmt(tallies.size)} group tallies`,
);

const closeTimes: number[] = [];
for (const day of dates) {
  let symbolsWithBar = 0;
  let moved = 0;
  let fresh = 0;
  const t0 = performance.now();
  for (const state of states) {
    const c = state.columns;
    const n = state.length;
    if (c.time[n] !== day) continue;
    symbolsWithBar++;
    const today = state.analyzer
      .update({
        time: day,
        open: c.open[n]!,
        high: c.high[n]!,
        low: c.low[n]!,
        close: c.close[n]!,
        volume: c.volume[n]!,
      })
      .filter((r): r is SignalRecord => r.kind === "signal");
    state.length = n + 1;
    const view = { symbol: state.symbol, exchange: state.exchange, columns: c, length: n + 1 };
    const advanced = advanceOutcomes(view, state.open, n, { seed: SEED, asOf: day }, HORIZONS, costs);
    for (const m of advanced.moved) {
      tally(
        m.outcome,
        m.row.horizon,
        m.finalNow ? m.row.outcome!.netReturn : null,
        m.chanceFinalNow ? m.row.chanceOutcome!.netReturn : null,
      );
    }
    moved += advanced.moved.length;
    const placed = trackSignals(view, today, { seed: SEED, asOf: day });
    fresh += placed.length;
    state.open = [...advanced.open, ...placed];
  }
  const ms = performance.now() - t0;
  closeTimes.push(ms);
  console.log(
    `    close ${day}: ${symbolsWithBar} symbols with a bar, ${fresh} new signals, ${moved} rows moved → ${fmt(ms, 1)} ms`,
  );
}
console.log(
  `(b) update after one close, whole market, in memory: median ${fmt(median(closeTimes), 1)} ms (goal < 200 ms)`,
);

if (!values.database) process.exit(0);

// ── (c) the same closes through PostgreSQL ──────────────────────────────────────────────────────
const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const databaseUrl = (() => {
  const url = new URL(server);
  url.pathname = "/vpa_bench_track_record";
  return url.toString();
})();
{
  const admin = createDatabase({ url: server });
  await admin.pool.query("drop database if exists vpa_bench_track_record with (force)");
  await admin.pool.query("create database vpa_bench_track_record");
  await admin.close();
}
const database = createDatabase({ url: databaseUrl });
await migrateToLatest(database.db);
const ids = await upsertStocks(
  database.db,
  series.map((s) => ({ symbol: s.symbol, exchange: exchanges.get(s.symbol) ?? null })),
);
/** Stores each symbol's bars and signals in [from, through] (dates), as imports and scans would. */
async function storeBars(from: string, through: string): Promise<void> {
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
    await writeBarColumns(database.db, "1D", batch, "upsert");
    for (const column of Object.values(batch)) column.length = 0;
  };
  for (const s of series) {
    const c = s.columns;
    const found = c.time.findIndex((t) => t >= from);
    const first = found < 0 ? c.time.length : found;
    const end = countBarsThrough(c.time, c.time.length, through);
    for (let i = first; i < end; i++) {
      batch.stockIds.push(ids.get(s.symbol)!);
      batch.times.push(Date.parse(`${c.time[i]}T00:00:00+07:00`) / 1000);
      batch.open.push(c.open[i]!);
      batch.high.push(c.high[i]!);
      batch.low.push(c.low[i]!);
      batch.close.push(c.close[i]!);
      batch.volume.push(c.volume[i]!);
      if (batch.stockIds.length >= 25_000) await flush();
    }
    const signalsThrough = analyzeColumns(s.symbol, c).filter(
      (r): r is SignalRecord => r.kind === "signal" && r.time >= from && r.time <= through,
    );
    await insertSignals(database.db, ids.get(s.symbol)!, "1D", signalsThrough);
  }
  await flush();
}
start = performance.now();
await storeBars("0000-01-01", previousDay);
const initial = await updateTrackRecord(database.db, { seed: SEED });
// As autovacuum would after a bulk load: without statistics the planner scans whole tables.
await sql`analyze`.execute(database.db);
console.log(
  `(c) database as of ${previousDay}: stored and taken in ${fmt(initial.signalsTaken)} signals (${fmt(initial.rowsWritten)} rows) in ${fmt((performance.now() - start) / 1000, 1)} s (not timed)`,
);
const databaseTimes: number[] = [];
for (const day of dates) {
  await storeBars(day, day);
  const t0 = performance.now();
  const summary = await updateTrackRecord(database.db, { seed: SEED });
  const ms = performance.now() - t0;
  databaseTimes.push(ms);
  console.log(
    `    close ${day}: ${summary.stocks} stocks with work, ${summary.signalsTaken} new signals, ${summary.becameFinal} outcomes final, ${summary.chanceSettled} chance entries final, ${summary.rowsWritten} rows written → ${fmt(ms, 1)} ms`,
  );
}
console.log(`(c) update after one close through PostgreSQL: median ${fmt(median(databaseTimes), 1)} ms`);
await database.close();
