/**
 * One timed import into a fresh, empty database, in its own process so that its peak RSS
 * (`process.resourceUsage().maxRSS`, the process's high-water mark) belongs to this run alone.
 * Started by bench/import/run.ts; prints one JSON line.
 *
 *   node bench/import/import-once.ts <method> <file> <serverUrl> <database> [writeConcurrency] [batchRows]
 *
 * method: `importer` (importBars), `per-row` (one kysely INSERT ... ON CONFLICT per bar) or
 * `multi-row` (kysely `insertInto().values([...]).onConflict()` of 5,000 bars per statement).
 */
import { createDatabase, migrateToLatest, upsertStocks } from "@vpa/db";
import { importBars, readBarFile, validateBarRow } from "@vpa/scanner";
import pg from "pg";

const [method = "importer", file = "", serverUrl = "", database = "", concurrency, batchRows] =
  process.argv.slice(2);
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await admin.connect();
await admin.query(`drop database if exists ${database} with (force)`);
await admin.query(`create database ${database}`);
await admin.end();
const handle = createDatabase({
  url: `${serverUrl}/${database}`,
  maxConnections: 8,
  statementTimeoutMs: 600_000,
});
await migrateToLatest(handle.db);

const rssBefore = process.resourceUsage().maxRSS;
const started = performance.now();
let rows = 0;
let stored = 0;
if (method === "importer") {
  const summary = await importBars(handle.db, [file], {
    todayLocal: today,
    maxRejectionsKept: 100,
    maxFlagsKept: 100,
    writeConcurrency: concurrency === undefined ? undefined : Number(concurrency),
    batchRows: batchRows === undefined ? undefined : Number(batchRows),
  });
  rows = summary.rowsRead;
  stored = summary.barsWritten;
} else {
  // The naive ways: the same rows, validated the same way, written as most code would write them.
  const stockIds = new Map<string, number>();
  let pending: {
    stock_id: number;
    timeframe: "1D";
    time: Date;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
  }[] = [];
  const flushMultiRow = async () => {
    if (pending.length === 0) return;
    await handle.db
      .insertInto("market_data")
      .values(pending)
      .onConflict((oc) =>
        oc.columns(["stock_id", "timeframe", "time"]).doUpdateSet((eb) => ({
          open: eb.ref("excluded.open"),
          high: eb.ref("excluded.high"),
          low: eb.ref("excluded.low"),
          close: eb.ref("excluded.close"),
          volume: eb.ref("excluded.volume"),
        })),
      )
      .execute();
    stored += pending.length;
    pending = [];
  };
  for await (const row of readBarFile(file)) {
    rows++;
    const result = validateBarRow(row, today);
    if (!result.ok) continue;
    let stockId = stockIds.get(result.symbol);
    if (stockId === undefined) {
      stockId = (await upsertStocks(handle.db, [{ symbol: result.symbol }])).get(result.symbol) as number;
      stockIds.set(result.symbol, stockId);
    }
    const bar = {
      stock_id: stockId,
      timeframe: "1D" as const,
      time: new Date(`${result.bar.time}T00:00:00+07:00`),
      open: result.bar.open,
      high: result.bar.high,
      low: result.bar.low,
      close: result.bar.close,
      volume: Math.round(result.bar.volume),
    };
    if (method === "per-row") {
      pending = [bar];
      await flushMultiRow();
    } else {
      pending.push(bar);
      if (pending.length >= 5_000) await flushMultiRow();
    }
  }
  await flushMultiRow();
}
const seconds = (performance.now() - started) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await handle.close();
const cleanup = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await cleanup.connect();
await cleanup.query(`drop database if exists ${database} with (force)`);
await cleanup.end();
console.log(
  JSON.stringify({
    method,
    rows,
    stored,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb,
    rssBeforeMb: rssBefore / 1024,
  }),
);
