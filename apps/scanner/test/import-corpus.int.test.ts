import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { listActiveStocks, loadRecentBars, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { BarFileError, type ImportSummary, importBars, listBarFiles } from "../src/index.ts";

const CORPUS = resolve(import.meta.dirname, "fixtures/corpus");
const TODAY = "2026-11-23";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function barsOf(symbol: string) {
  const [stock] = await listActiveStocks(database.db, [symbol]);
  if (stock === undefined) return [];
  const bars = await loadRecentBars(database.db, { stockId: stock.id, timeframe: "1D", limit: 100 });
  return bars.map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]);
}

function issues(summary: ImportSummary) {
  return {
    rejected: summary.rejections.map((r) => [r.file.replace(`${CORPUS}/`, ""), r.line, r.reason]),
    flagged: summary.flags.map((f) => [f.file.replace(`${CORPUS}/`, ""), f.line, f.reason]),
  };
}

describe("importBars on the bad-row corpus (fixtures/corpus/README.md)", () => {
  let first: ImportSummary;

  it("reports every rejected and flagged row with file, line and reason", async () => {
    // BBB on HOSE (±7%): its +14.6% day is flagged; AAA's exchange is unknown (widest band, 15%).
    await upsertStocks(database.db, [{ symbol: "BBB", exchange: "HOSE" }]);
    first = await importBars(database.db, await listBarFiles(CORPUS), { todayLocal: TODAY });
    expect(issues(first)).toEqual({
      rejected: [
        ["ccc.jsonl", 2, "malformed-row"],
        ["ccc.jsonl", 3, "malformed-row"],
        ["ccc.jsonl", 5, "not-a-number"],
        ["ccc.jsonl", 6, "not-a-number"],
        ["ccc.jsonl", 7, "price-out-of-range"],
        ["ccc.jsonl", 8, "bad-symbol"],
        ["ddd.json", 3, "non-positive-price"],
        ["multi-symbol.csv", 4, "duplicate-time"],
        ["multi-symbol.csv", 5, "not-a-number"],
        ["multi-symbol.csv", 6, "high-below-low"],
        ["multi-symbol.csv", 7, "open-outside-range"],
        ["multi-symbol.csv", 8, "close-outside-range"],
        ["multi-symbol.csv", 9, "negative-volume"],
        ["multi-symbol.csv", 10, "bad-date"],
        ["multi-symbol.csv", 11, "future-date"],
        ["multi-symbol.csv", 12, "bad-symbol"],
        ["multi-symbol.csv", 13, "malformed-row"],
        ["multi-symbol.csv", 14, "non-positive-price"],
        ["multi-symbol.csv", 18, "duplicate-time"],
        ["multi-symbol.csv", 21, "not-a-number"],
        ["multi-symbol.csv", 22, "not-a-number"],
        ["multi-symbol.csv", 23, "price-out-of-range"],
        ["multi-symbol.csv", 24, "bad-volume"],
        ["multi-symbol.csv", 25, "bad-symbol"],
        ["multi-symbol.csv", 26, "price-jump"],
      ],
      flagged: [
        ["multi-symbol.csv", 16, "possible-adjustment"],
        ["multi-symbol.csv", 19, "unsorted-time"],
        ["multi-symbol.csv", 20, "possible-adjustment"],
      ],
    });
    expect(first.rejectedTotal).toBe(25);
    expect(first.rejectedByReason).toMatchObject({ "duplicate-time": 2, "malformed-row": 3 });
    expect(first.flaggedByReason).toEqual({ "possible-adjustment": 2, "unsorted-time": 1 });
    expect(first.rowsRead).toBe(27 + 9 + 3);
    expect(first.barsAccepted).toBe(9 + 3 + 2);
    expect(first.barsWritten).toBe(14);
    expect(first.symbols).toBe(4);
  });

  it("says why, with the text as the file wrote it", () => {
    const detail = (file: string, line: number) =>
      first.rejections.find((r) => r.file === `${CORPUS}/${file}` && r.line === line)?.detail;
    expect(detail("multi-symbol.csv", 21)).toBe('open "0x10" is not a plain decimal number');
    expect(detail("multi-symbol.csv", 22)).toBe('high "1e300" is not a plain decimal number');
    expect(detail("multi-symbol.csv", 23)).toBe(
      "high 100000000 is outside the sane range 0.0001–10,000,000 thousand VND",
    );
    expect(detail("multi-symbol.csv", 25)).toBe('symbol "ﬁſh"');
    expect(detail("multi-symbol.csv", 26)).toBe(
      "close 5500 is 1000× the close 5.5 of the previous AAA row (2021-01-15, line 20): the file may be priced in VND; import it with --price-unit vnd",
    );
    expect(detail("ccc.jsonl", 7)).toBe(
      "high 1e+300 is outside the sane range 0.0001–10,000,000 thousand VND",
    );
  });

  it("stores every good row of the same files, flagged ones included, first copy of a duplicate", async () => {
    expect(await barsOf("AAA")).toEqual([
      ["2021-01-04", 10, 11, 9, 10.5, 1000],
      ["2021-01-05", 10.5, 11.5, 10, 11, 1200],
      ["2021-01-13", 11, 11, 10.5, 10.8, 800],
      ["2021-01-14", 11, 11.5, 10.5, 11, 900],
      ["2021-01-15", 5, 5.6, 5, 5.5, 2000],
      ["2021-01-25", 5.5, 5.7, 5.4, 5.6, 100],
      ["2021-01-26", 5.6, 5.8, 5.5, 5.7, 1500],
    ]);
    expect(await barsOf("BBB")).toEqual([
      ["2021-01-05", 20, 21, 19, 20.5, 0],
      ["2021-01-06", 20.5, 24, 20, 23.5, 500],
    ]);
    expect(await barsOf("CCC")).toEqual([
      ["2021-01-04", 10, 11, 9, 10.5, 1000],
      ["2021-01-06", 10.5, 11, 10, 10.8, 1500],
      ["2021-01-11", 11, 11, 10, 10.9, 2000],
    ]);
    expect(await barsOf("DDD")).toEqual([
      ["2021-01-04", 20, 21, 19, 20.5, 100],
      ["2021-01-05", 21, 22, 20, 21.5, 200],
    ]);
  });

  it("is idempotent: a second import reports the same rows and writes nothing", async () => {
    const again = await importBars(database.db, await listBarFiles(CORPUS), { todayLocal: TODAY });
    // Line 26 is now also 1000× the stored AAA bar before it: the same reason, another detail.
    expect(issues(again)).toEqual(issues(first));
    expect(again.barsAccepted).toBe(first.barsAccepted);
    expect(again.barsWritten).toBe(0);
  });

  it("stores a corrected bar on re-import (upsert) and counts only the change", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-import-"));
    const file = join(dir, "ddd.csv");
    await writeFile(
      file,
      "date,open,high,low,close,volume\n2021-01-04,20,21,19,20.5,100\n2021-01-05,21,22,20,21.7,250\n",
    );
    const summary = await importBars(database.db, [file], { todayLocal: TODAY });
    expect(summary.barsWritten).toBe(1);
    expect((await barsOf("DDD"))[1]).toEqual(["2021-01-05", 21, 22, 20, 21.7, 250]);
  });
});

describe("importBars formats and units", () => {
  it("reads a gzipped JSON Lines file and a Vietcap-style JSON array in a directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-import-"));
    const lines = [
      { symbol: "EEE", date: "2021-03-01", open: 5, high: 6, low: 4.5, close: 5.5, volume: 10 },
      { symbol: "EEE", date: "2021-03-02", open: 5.5, high: 6, low: 5, close: 5.8, volume: 20 },
    ];
    await writeFile(join(dir, "eee.jsonl.gz"), gzipSync(lines.map((l) => JSON.stringify(l)).join("\n")));
    const vietcap = [{ symbol: "FFF", t: [1614556800], o: [7], h: [8], l: [6], c: [7.5], v: [30] }];
    await writeFile(join(dir, "vietcap.json"), JSON.stringify(vietcap));
    await writeFile(join(dir, "notes.txt"), "ignored: not a bar file name");
    const files = await listBarFiles(dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["eee.jsonl.gz", "vietcap.json"]);
    const summary = await importBars(database.db, files, { todayLocal: TODAY });
    expect(summary.rejectedTotal).toBe(0);
    expect(await barsOf("EEE")).toEqual([
      ["2021-03-01", 5, 6, 4.5, 5.5, 10],
      ["2021-03-02", 5.5, 6, 5, 5.8, 20],
    ]);
    expect(await barsOf("FFF")).toEqual([["2021-03-01", 7, 8, 6, 7.5, 30]]);
  });

  it("converts prices in VND to thousand VND at the edge (--price-unit vnd)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-import-"));
    const file = join(dir, "ggg.csv");
    await writeFile(file, "Date,Open,High,Low,Close,Volume\n2021-01-04,23450,23500,23000,23400,100\n");
    await importBars(database.db, [file], { todayLocal: TODAY, priceUnit: "vnd" });
    expect(await barsOf("GGG")).toEqual([["2021-01-04", 23.45, 23.5, 23, 23.4, 100]]);
  });

  it("takes --format over the extension, and says clearly when a file is not what it claims", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-import-"));
    const file = join(dir, "hhh.txt");
    await writeFile(file, '{"date":"2021-01-04","open":1,"high":1,"low":1,"close":1,"volume":1}\n');
    const summary = await importBars(database.db, [file], { todayLocal: TODAY, format: "jsonl" });
    expect(summary.barsAccepted).toBe(1);
    await expect(importBars(database.db, [file], { todayLocal: TODAY })).rejects.toThrow(BarFileError);
    const udfError = join(dir, "iii.json");
    await writeFile(udfError, '{"s":"error","errmsg":"unknown symbol"}');
    await expect(importBars(database.db, [udfError], { todayLocal: TODAY })).rejects.toThrow(
      'the response says "error": unknown symbol',
    );
    const noData = join(dir, "jjj.json");
    await writeFile(noData, '{"s":"no_data"}');
    expect((await importBars(database.db, [noData], { todayLocal: TODAY })).rowsRead).toBe(0);
  });

  it("writes the same bars whatever the batch size and number of writes in flight", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-import-"));
    const file = join(dir, "many.csv");
    const rows = ["symbol,date,open,high,low,close,volume"];
    for (const symbol of ["KKA", "KKB", "KKC"]) {
      for (let day = 1; day <= 28; day++)
        rows.push(`${symbol},2021-02-${String(day).padStart(2, "0")},1,2,1,1.5,${day}`);
    }
    await writeFile(file, `${rows.join("\n")}\n`);
    const summary = await importBars(database.db, [file], {
      todayLocal: TODAY,
      batchRows: 7,
      writeConcurrency: 3,
    });
    expect(summary.barsWritten).toBe(84);
    expect((await barsOf("KKB")).map((b) => b[5])).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  });
});
