/**
 * Paper portfolio benchmark (issue 12): ten paper portfolios updated after one close (goal: under
 * 1 s). Prints figures; not a test, no limits.
 *
 *   node_modules/.bin/node --max-semi-space-size=16 bench/portfolio/run.ts [--symbols N] [--closes 3] [--portfolios 10]
 *
 * On a database of its own (`vpa_bench_portfolio`, dropped and made again each run): the shared
 * dataset's last year (2021, and 31 days before it) of bars for every symbol, and the signals and
 * confirmations a scan stores (vpa-core's analysis of each symbol's whole history, stored as the
 * analyze job stores them). Ten portfolios, started 2021-01-04: five on every active stock and
 * five on VN30 names, with different rules (scores, stops, confirmation, sizes). Not timed: the
 * import and the portfolios' catch-up to the day before the timed closes. Timed, for each of the
 * last `--closes` closes: that close's bars and signals are stored (not timed), then
 * `updatePortfolios` (what the daily scan runs once the scan's analyze jobs are done) brings all
 * ten up to it.
 */
import { readFileSync } from "node:fs";
import { arch, cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { VN30_SYMBOLS } from "../../apps/backtest/src/backtest-job-config.ts";
import { updatePortfolios } from "../../apps/scanner/src/portfolio/update-portfolios.ts";
import {
  createDatabase,
  createPortfolio,
  insertConfirmations,
  insertSignals,
  migrateToLatest,
  upsertStocks,
  writeBarColumns,
} from "../../packages/db/src/index.ts";
import {
  analyzeColumns,
  type ConfirmationRecord,
  initialPortfolioState,
  resolveBacktestConfig,
  type SignalRecord,
  type VpaRecord,
} from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const { values } = parseArgs({
  options: {
    symbols: { type: "string" },
    closes: { type: "string", default: "3" },
    portfolios: { type: "string", default: "10" },
  },
});
const CLOSES = Number(values.closes);
const PORTFOLIOS = Number(values.portfolios);
const STARTED_ON = "2021-01-04";
const STORED_FROM = "2020-12-01";
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

const exchanges = new Map<string, "HOSE" | "HNX" | "UPCOM">();
for (const line of readFileSync(`${ROOT}../shared/data/vn-symbols.csv`, "utf8").split("\n").slice(1)) {
  const [ticker, , exchange] = line.split(",");
  if (ticker && (exchange === "HOSE" || exchange === "HNX" || exchange === "UPCOM"))
    exchanges.set(ticker, exchange);
}

let start = performance.now();
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
const series = (
  values.symbols === undefined ? data.series : data.series.slice(0, Number(values.symbols))
).filter((s) => s.columns.time.at(-1)! >= STARTED_ON);
const records = new Map<string, VpaRecord[]>(
  series.map((s) => [s.symbol, analyzeColumns(s.symbol, s.columns)]),
);
console.log(
  `load and analyse: ${series.length} symbols trading in 2021 in ${fmt((performance.now() - start) / 1000, 1)} s (not timed)`,
);

const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const databaseUrl = (() => {
  const url = new URL(server);
  url.pathname = "/vpa_bench_portfolio";
  return url.toString();
})();
{
  const admin = createDatabase({ url: server });
  await admin.pool.query("drop database if exists vpa_bench_portfolio with (force)");
  await admin.pool.query("create database vpa_bench_portfolio");
  await admin.close();
}
const database = createDatabase({ url: databaseUrl });
await migrateToLatest(database.db);
const ids = await upsertStocks(
  database.db,
  series.map((s) => ({ symbol: s.symbol, exchange: exchanges.get(s.symbol) ?? null })),
);

/** Stores each symbol's bars, signals and confirmations dated in [from, through], as imports and scans would. */
async function store(from: string, through: string): Promise<void> {
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
    for (let i = 0; i < c.time.length; i++) {
      const time = c.time[i]!;
      if (time < from || time > through || time > days.at(-1)!) continue;
      batch.stockIds.push(ids.get(s.symbol)!);
      batch.times.push(Date.parse(`${time}T00:00:00+07:00`) / 1000);
      batch.open.push(c.open[i]!);
      batch.high.push(c.high[i]!);
      batch.low.push(c.low[i]!);
      batch.close.push(c.close[i]!);
      batch.volume.push(c.volume[i]!);
      if (batch.stockIds.length >= 25_000) await flush();
    }
    const inWindow = (records.get(s.symbol) ?? []).filter((r) => r.time >= from && r.time <= through);
    await insertSignals(
      database.db,
      ids.get(s.symbol)!,
      "1D",
      inWindow.filter((r): r is SignalRecord => r.kind === "signal"),
    );
    await insertConfirmations(
      database.db,
      ids.get(s.symbol)!,
      "1D",
      inWindow.filter((r): r is ConfirmationRecord => r.kind === "confirmation"),
    );
  }
  await flush();
}

// The market's newest close: the newest date on which at least half the symbols traded (a few
// symbols of the dataset run past the rest; a close where only they trade is not a market close).
const symbolsOn = new Map<string, number>();
for (const s of series)
  for (const time of s.columns.time)
    if (time >= STARTED_ON) symbolsOn.set(time, (symbolsOn.get(time) ?? 0) + 1);
const days = [...symbolsOn]
  .filter(([, count]) => count >= series.length / 2)
  .map(([day]) => day)
  .sort();
const timed = days.slice(-CLOSES);
const before = days[days.length - CLOSES - 1]!;
start = performance.now();
await store(STORED_FROM, before);
await sql`analyze`.execute(database.db);
const vn30 = VN30_SYMBOLS.filter((symbol) => ids.has(symbol));
for (let i = 0; i < PORTFOLIOS; i++) {
  const strategy = resolveBacktestConfig({
    minScore: 50 + (i % 5) * 5,
    stopLoss: 0.05 + (i % 3) * 0.02,
    maxHoldDays: 10 + (i % 4) * 5,
    requireConfirmation: i % 2 === 1,
    maxPositions: 10,
    positionFraction: 0.1,
  });
  await createPortfolio(database.db, {
    name: `bench-${String(i).padStart(2, "0")}`,
    config: { strategy, symbols: i < PORTFOLIOS / 2 ? "ALL" : vn30, benchmark: "VN30" },
    startedOn: STARTED_ON,
    state: initialPortfolioState(strategy),
  });
}
const catchUp = await updatePortfolios(database.db);
console.log(
  `set-up: ${fmt(days.length - CLOSES)} closes of 2021 stored, ${PORTFOLIOS} portfolios stepped to ${before} ` +
    `(${fmt(catchUp.reduce((sum, p) => sum + p.tradesClosed, 0))} trades closed, ${fmt(catchUp.reduce((sum, p) => sum + p.positions, 0))} open) ` +
    `in ${fmt((performance.now() - start) / 1000, 1)} s (not timed)`,
);

const times: number[] = [];
for (const day of timed) {
  await store(day, day);
  const t0 = performance.now();
  const summaries = await updatePortfolios(database.db);
  const ms = performance.now() - t0;
  times.push(ms);
  console.log(
    `    close ${day}: ${summaries.filter((s) => s.sessions === 1).length} of ${summaries.length} portfolios stepped one close, ` +
      `${summaries.reduce((sum, s) => sum + s.tradesClosed, 0)} trades closed, ${summaries.reduce((sum, s) => sum + s.positions, 0)} positions open → ${fmt(ms, 1)} ms`,
  );
}
console.log(
  `${PORTFOLIOS} paper portfolios updated after one close (${series.length} symbols): median ${fmt(median(times), 1)} ms (goal < 1,000 ms)`,
);
await database.close();
