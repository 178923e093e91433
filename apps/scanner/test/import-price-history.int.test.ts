import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listActiveStocks, loadRecentBars } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { type ImportOptions, importBars } from "../src/index.ts";

const TODAY = "2026-11-23";
const HEADER = "symbol,date,open,high,low,close,volume";

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "vpa-import-history-"));
});
afterAll(async () => {
  await database?.drop();
});

let fileCount = 0;
async function importRows(rows: readonly string[], options: Partial<ImportOptions> = {}) {
  const file = join(dir, `bars-${++fileCount}.csv`);
  await writeFile(file, `${[HEADER, ...rows].join("\n")}\n`);
  const summary = await importBars(database.db, [file], { todayLocal: TODAY, ...options });
  return {
    ...summary,
    rejected: summary.rejections.map((r) => [r.line, r.reason, r.detail]),
  };
}

async function closesOf(symbol: string) {
  const [stock] = await listActiveStocks(database.db, [symbol]);
  if (stock === undefined) return [];
  const bars = await loadRecentBars(database.db, { stockId: stock.id, timeframe: "1D", limit: 100 });
  return bars.map((b) => [b.time, b.close]);
}

/** Daily rows of `symbol` from 2021-07-01 on (weekdays), each close as given, OHLC around it. */
function days(symbol: string, closes: readonly number[], from = 1): string[] {
  return closes.map((close, i) => {
    const date = `2021-07-${String(from + i).padStart(2, "0")}`;
    return `${symbol},${date},${close},${close},${close},${close},100`;
  });
}

describe("a bar 100× or more away from the symbol's own history is rejected (price-jump)", () => {
  it("whole file in VND over bars stored in thousand VND: every row rejected, nothing overwritten", async () => {
    const stored = [23.1, 23.2, 23.3, 23.4, 23.45];
    await importRows(days("VCB", stored, 10));
    // The same days and one more, in VND; tiny batches: the stored bars are looked up batch by batch.
    const vnd = await importRows(days("VCB", [23_100, 23_200, 23_300, 23_400, 23_450, 23_500], 10), {
      batchRows: 2,
    });
    expect(vnd.barsAccepted).toBe(0);
    expect(vnd.rejectedByReason).toEqual({ "price-jump": 6 });
    expect(vnd.rejected.at(-2)).toEqual([
      6,
      "price-jump",
      "close 23450 is 1000× the stored close 23.45 of VCB on 2021-07-14: the file may be priced in VND; import it with --price-unit vnd",
    ]);
    // The row after the stored ones is compared with the newest stored bar before it.
    expect(vnd.rejected.at(-1)?.[2]).toContain("is 1000× the stored close 23.45 of VCB on 2021-07-14");
    expect((await closesOf("VCB")).map(([, close]) => close)).toEqual(stored);

    const right = await importRows(days("VCB", [23_450, 23_500], 14), { priceUnit: "vnd" });
    expect(right).toMatchObject({ barsAccepted: 2, barsWritten: 1, rejectedTotal: 0 });
  });

  it("the other way round: a thousand-VND file imported with --price-unit vnd is refused", async () => {
    const wrong = await importRows(days("VCB", [23.5], 15), { priceUnit: "vnd" });
    expect(wrong.rejected).toEqual([
      [
        2,
        "price-jump",
        "close 0.0235 is 1/1000 of the stored close 23.5 of VCB on 2021-07-15: the file may be priced in thousand VND; import it without --price-unit vnd",
      ],
    ]);
  });

  it("one row 1000× its neighbours in a file: only that row is rejected", async () => {
    const summary = await importRows(days("FPT", [95.1, 95.3, 95_400, 95.2, 95.6]));
    expect(summary.rejected).toEqual([
      [
        4,
        "price-jump",
        "close 95400 is 1000× the close 95.3 of the previous FPT row (2021-07-02, line 3): the file may be priced in VND; import it with --price-unit vnd",
      ],
    ]);
    expect((await closesOf("FPT")).map(([, close]) => close)).toEqual([95.1, 95.3, 95.2, 95.6]);
  });

  it("one row 1000× the stored bar before it, in a file of otherwise good rows", async () => {
    const summary = await importRows(days("FPT", [95.6, 0.0956, 95.8], 5));
    expect(summary.rejected).toEqual([
      [
        3,
        "price-jump",
        "close 0.0956 is 1/1000 of the stored close 95.6 of FPT on 2021-07-05: a wrong price or a price-unit mix-up (the file is read as thousand VND; see --price-unit)",
      ],
    ]);
    expect(summary.barsAccepted).toBe(2);
  });

  it("a high or low 100× away is caught even when the close is sane", async () => {
    const summary = await importRows([
      "MWG,2021-07-01,50,50,50,50,100",
      "MWG,2021-07-02,50,5000,49,50.5,100",
    ]);
    expect(summary.rejected[0]?.[2]).toMatch(/^high 5000 is 100× the close 50 of the previous MWG row/);
  });

  it("keeps the real moves and rejects the ~1000× glitches of the shared dataset (PSL, 2010-11)", async () => {
    // Verbatim rows of vn-daily-2000-2021.csv.gz: 2010-11-25 is the glitch.
    const summary = await importRows([
      "PSL,2010-11-24,1.6183,1.6183,1.6183,1.6183,0",
      "PSL,2010-11-25,1618.3,1618.3368,1618.3,1618.3368,0",
      "PSL,2010-11-26,1.6183,1.6183,1.6183,1.6183,0",
      // The largest real day-to-day move in the dataset: 11.5× (TH1, 2018-05-18): stored, flagged.
      "TH1,2018-05-17,5.5,5.5,5.5,5.5,0",
      "TH1,2018-05-18,63.0,63.0,63.0,63.0,0",
      "TH1,2018-05-21,5.5,5.5,5.5,5.5,0",
    ]);
    expect(summary.rejected.map(([line, reason]) => [line, reason])).toEqual([[3, "price-jump"]]);
    expect(summary.barsAccepted).toBe(5);
    expect(summary.flaggedByReason).toEqual({ "possible-adjustment": 2 });
  });

  it("rejects a symbol's first row whose low is 1/1660 of its own close, and the same again on re-import", async () => {
    // Verbatim: SSI's first row in vn-daily-2000-2021.csv.gz, then its next one.
    const rows = [
      "SSI,2006-12-15,12.9036,36.8675,0.0092,15.2908,293000",
      "SSI,2006-12-18,15.6687,16.8116,15.6687,16.5535,340200",
    ];
    const expected = [[2, "price-jump", "low 0.0092 is 1/1660 of the close 15.2908 of the same bar"]];
    const first = await importRows(rows);
    expect(first.rejected).toEqual(expected);
    const again = await importRows(rows);
    expect(again.rejected).toEqual(expected);
    expect(again.barsWritten).toBe(0);
  });
});
