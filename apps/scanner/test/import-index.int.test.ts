import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listActiveStocks, listIndexSymbols, listLatestBars, loadIndexSeries } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { importBars } from "../src/index.ts";

/** The bundled VN30 index, 2018-01-02 → 2021-12-31: 1,000 sessions in index points. */
const VN30_INDEX = resolve(import.meta.dirname, "../../../fixtures/vn30-index-daily-2018-2021.csv");

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("importing an index", () => {
  it("stores the VN30 index file whole (index points pass the price checks) as an index, by its name", async () => {
    const summary = await importBars(database.db, [VN30_INDEX], { todayLocal: "2026-01-01" });
    expect(summary).toMatchObject({ rowsRead: 1000, barsAccepted: 1000, rejectedTotal: 0, flaggedTotal: 0 });
    expect(summary.indices).toEqual(["VN30"]);
    expect(await listIndexSymbols(database.db)).toEqual(["VN30"]);
    // Never scanned: not among the stocks a scan or a fetch lists.
    expect(await listActiveStocks(database.db)).toEqual([]);
    expect(await listLatestBars(database.db, "1D", ["VN30"])).toEqual([]);
    const series = await loadIndexSeries(database.db, {
      symbol: "VN30",
      from: "2018-01-01",
      to: "2021-12-31",
    });
    expect(series?.time.length).toBe(1000);
    expect([series?.time[0], series?.close[0], series?.time.at(-1), series?.close.at(-1)]).toEqual([
      "2018-01-02",
      992.72,
      "2021-12-31",
      1535.71,
    ]);
  });

  it("re-imports idempotently, checking the stored index bars as neighbours", async () => {
    const again = await importBars(database.db, [VN30_INDEX], { todayLocal: "2026-01-01" });
    expect(again).toMatchObject({ barsAccepted: 1000, barsWritten: 0, rejectedTotal: 0 });
    // A row 1000× off the stored index (a VND/point mix-up) is refused like a stock's would be.
    const dir = await mkdtemp(join(tmpdir(), "vpa-index-"));
    const wrong = join(dir, "vn30-wrong.csv");
    await writeFile(
      wrong,
      "symbol,date,open,high,low,close,volume\nVN30,2022-01-04,1535710,1540000,1530000,1536000,1\n",
    );
    const refused = await importBars(database.db, [wrong], { todayLocal: "2026-01-01" });
    expect(refused.rejectedByReason).toEqual({ "price-jump": 1 });
  });

  it("stores any symbol as an index with asIndex (vpa import --index), and refuses a price unit for it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vpa-index-"));
    const file = join(dir, "sector.csv");
    await writeFile(
      file,
      "symbol,date,open,high,low,close,volume\nBANKIDX,2021-01-04,500,505,495,501.5,100\nBANKIDX,2021-01-05,501.5,510,500,508,100\n",
    );
    const summary = await importBars(database.db, [file], { todayLocal: "2026-01-01", asIndex: true });
    expect(summary.indices).toEqual(["BANKIDX"]);
    expect(await listIndexSymbols(database.db)).toEqual(["BANKIDX", "VN30"]);
    expect(await listActiveStocks(database.db)).toEqual([]);
    await expect(
      importBars(database.db, [file], { todayLocal: "2026-01-01", asIndex: true, priceUnit: "vnd" }),
    ).rejects.toThrow("an index is in points");
  });
});
