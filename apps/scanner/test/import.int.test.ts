import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listActiveStocks, loadRecentBars } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { BarFileError, importBars, listBarFiles } from "../src/index.ts";

const BAD_ROWS = resolve(import.meta.dirname, "fixtures/bad-rows.csv");

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("importBars", () => {
  it("stores every valid row and reports each rejected one with file, line and reason", async () => {
    const summary = await importBars(database.db, [BAD_ROWS], { todayLocal: "2026-11-23" });
    expect(summary.rejections.map((r) => [r.line, r.reason])).toEqual([
      [4, "duplicate-time"],
      [5, "not-a-number"],
      [6, "high-below-low"],
      [7, "open-outside-range"],
      [8, "negative-volume"],
      [9, "bad-date"],
      [10, "future-date"],
      [11, "bad-symbol"],
      [12, "non-positive-price"],
    ]);
    expect(summary.rejections.every((r) => r.file === BAD_ROWS)).toBe(true);
    expect(summary.barsAccepted).toBe(3);
    const stocks = await listActiveStocks(database.db);
    expect(stocks.map((s) => s.symbol)).toEqual(["AAA", "BBB"]);
    const aaa = await loadRecentBars(database.db, { stockId: stocks[0]!.id, timeframe: "1D", limit: 10 });
    // The first copy of a duplicated date is kept (volume 1200, not 1300).
    expect(aaa.map((b) => [b.time, b.volume])).toEqual([
      ["2021-01-04", 1000],
      ["2021-01-05", 1200],
    ]);
  });

  it("is idempotent: importing the same file again writes nothing", async () => {
    const again = await importBars(database.db, [BAD_ROWS], { todayLocal: "2026-11-23" });
    expect(again.barsAccepted).toBe(3);
    expect(again.barsWritten).toBe(0);
  });

  it("refuses a file without the needed columns, and a missing path, with a clear error", async () => {
    await expect(listBarFiles("/nonexistent/bars.csv")).rejects.toThrow("no such file or directory");
    const header = join(await mkdtemp(join(tmpdir(), "vpa-import-")), "no-volume.csv");
    await writeFile(header, "date,open,high,low,close\n2021-01-04,1,1,1,1\n");
    await expect(importBars(database.db, [header], { todayLocal: "2026-11-23" })).rejects.toThrow(
      BarFileError,
    );
    await expect(importBars(database.db, [header], { todayLocal: "2026-11-23" })).rejects.toThrow(
      "header lacks volume",
    );
  });
});
