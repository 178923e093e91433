/**
 * What the evidence line costs a delivery, on a database filled with a real track record. Prints
 * figures; not a test, no limits. (A benchmark: it would sit in bench/ but for who owns that tree.)
 *
 *   node_modules/.bin/node bench/evidence/run.ts [--shared] [--runs 20] [--keep]
 *
 * Data: the bundled VN30 fixture (2018–2021), or with --shared the whole market of
 * ../shared/data (1,681 symbols, 2000–2021; building it takes minutes). Every bar and signal is
 * stored in a database of its own (`vpa_bench_evidence`, dropped and recreated each run) and taken
 * into the track record by one `updateTrackRecord`, then `analyze`d, as autovacuum would. Timed:
 * - the stamp a lookup reads before answering (three index probes);
 * - the load after the track record moved: every final outcome at 5 sessions, by cell;
 * - a first lookup (stamp, load, seed, one group summary) and a cached one (stamp + memory);
 * - a scan's alerts from memory (200 signals at the newest close, every group summary computed
 *   once), and the newest 50 signals (`vpa signals`: each counts only what was final by its bar).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createEvidenceLookup } from "../../apps/alerts/src/evidence/evidence-lookup.ts";
import { evidenceSubjectOfSignal } from "../../apps/alerts/src/evidence/evidence-subject.ts";
import { updateTrackRecord } from "../../apps/scanner/src/track-record/update-track-record.ts";
import {
  createDatabase,
  insertSignals,
  listSignals,
  migrateToLatest,
  readTrackRecordCells,
  readTrackRecordStamp,
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
    runs: { type: "string", default: "20" },
    keep: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const ROOT = new URL("../../", import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

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

const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const url = new URL(server);
url.pathname = "/vpa_bench_evidence";
{
  const admin = createDatabase({ url: server });
  await admin.pool.query("drop database if exists vpa_bench_evidence with (force)");
  await admin.pool.query("create database vpa_bench_evidence");
  await admin.close();
}
const database = createDatabase({ url: url.toString() });
const db = database.db;
try {
  await migrateToLatest(db);
  const start = performance.now();
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
  let signals = 0;
  for (const s of data.series) {
    const c = s.columns;
    for (let i = 0; i < c.time.length; i++) {
      batch.stockIds.push(ids.get(s.symbol)!);
      batch.times.push(Date.parse(`${c.time[i]}T00:00:00+07:00`) / 1000);
      batch.open.push(c.open[i]!);
      batch.high.push(c.high[i]!);
      batch.low.push(c.low[i]!);
      batch.close.push(c.close[i]!);
      batch.volume.push(c.volume[i]!);
      if (batch.stockIds.length >= 25_000) await flush();
    }
    const found = analyzeColumns(s.symbol, c).filter((r): r is SignalRecord => r.kind === "signal");
    signals += found.length;
    await insertSignals(db, ids.get(s.symbol)!, "1D", found);
  }
  await flush();
  const update = await updateTrackRecord(db);
  await sql`analyze`.execute(db);
  const rows = await sql<{ rows: string; final5: string }>`
    select count(*) as rows, count(*) filter (where horizon = 5 and net_return is not null) as final5
    from signal_outcomes`.execute(db);
  console.log(
    `data: ${data.series.length} symbols, ${signals.toLocaleString("en-US")} signals, track record as of ${update.asOf}: ` +
      `${Number(rows.rows[0]!.rows).toLocaleString("en-US")} outcome rows, ${Number(rows.rows[0]!.final5).toLocaleString("en-US")} final at 5 sessions ` +
      `(built in ${((performance.now() - start) / 1000).toFixed(1)} s, not timed)`,
  );

  const stamps: number[] = [];
  const loads: number[] = [];
  let cells = 0;
  for (let run = 0; run <= RUNS; run++) {
    const [, stampMs] = await timed(() => readTrackRecordStamp(db));
    const [read, loadMs] = await timed(() => readTrackRecordCells(db, { horizon: 5 }));
    cells = read.length;
    if (run === 0) continue; // warm-up
    stamps.push(stampMs);
    loads.push(loadMs);
  }
  console.log(`stamp (before every lookup past recheckMs): median ${ms(median(stamps))} of ${RUNS}`);
  console.log(
    `load after the track record moved (readTrackRecordCells): median ${ms(median(loads))}, ${cells} cells`,
  );

  const newest = await listSignals(db, { limit: 50 });
  // A scan's alerts: the 200 newest signals as if all were read at the newest close (every group
  // they fall in, each counting every final outcome), answered by a lookup whose stamp is not due.
  const recent = await listSignals(db, { limit: 200 });
  const scan = recent.map((signal) => ({ ...evidenceSubjectOfSignal(signal), time: newest[0]!.time }));
  const alert = evidenceSubjectOfSignal(newest[0]!);
  const firsts: number[] = [];
  const cached: number[] = [];
  const scans: number[] = [];
  const listings: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const lookup = createEvidenceLookup({ db });
    const [, first] = await timed(() => lookup.evidenceFor([alert]));
    const [, again] = await timed(() => lookup.evidenceFor([alert]));
    const worker = createEvidenceLookup({ db, recheckMs: 60_000 });
    await worker.evidenceFor([alert]);
    const [, scanMs] = await timed(() => worker.evidenceFor(scan));
    const [, listMs] = await timed(() =>
      createEvidenceLookup({ db }).evidenceFor(newest.map(evidenceSubjectOfSignal)),
    );
    if (run === 0) continue;
    firsts.push(first);
    cached.push(again);
    scans.push(scanMs);
    listings.push(listMs);
  }
  const [example] = await createEvidenceLookup({ db }).evidenceFor([alert]);
  console.log(
    `first lookup of a process or after an update (stamp + load + one summary): median ${ms(median(firsts))}`,
  );
  console.log(
    `a lookup that reads the stamp (the worker does at most every 5 s): median ${ms(median(cached))}`,
  );
  console.log(
    `a lookup with the stamp not due, from memory: ${scan.length} alerts' evidence in median ${ms(median(scans))} ` +
      `(their group summaries computed once, bootstrap included)`,
  );
  console.log(
    `vpa signals: the newest 50 signals, fresh lookup (each at its own date): median ${ms(median(listings))}`,
  );
  console.log(
    `e.g. ${newest[0]!.symbol} ${alert.type} ${alert.score} on ${alert.time}: ${JSON.stringify(example)}`,
  );
} finally {
  await database.close();
  if (values.keep) process.exit(0);
  const admin = createDatabase({ url: server });
  await admin.pool.query("drop database if exists vpa_bench_evidence with (force)");
  await admin.close();
}
