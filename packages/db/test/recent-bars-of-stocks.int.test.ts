import { loadRecentBars, loadRecentBarsOfStocks, upsertBars, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function bars(count: number, start: number, stepMs: number, time: (ms: number) => string) {
  return Array.from({ length: count }, (_, i) => ({
    time: time(start + i * stepMs),
    open: 10 + i,
    high: 11 + i,
    low: 9 + i,
    close: 10.5 + i,
    volume: 1_000_000_000_000 + i, // past 2^32: volumes travel as float8, exact below 2^53
  }));
}
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minute = (ms: number) => `${new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;

describe("loadRecentBarsOfStocks", () => {
  it("gives each stock its last N bars up to its own bar, oldest first, in one call: equal to one call per stock", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "AAA" }, { symbol: "BBB" }, { symbol: "CCC" }]);
    const [a, b, c] = ["AAA", "BBB", "CCC"].map((s) => ids.get(s) as number) as [number, number, number];
    await upsertBars(database.db, a, "1D", bars(40, Date.UTC(2020, 0, 1), 86_400_000, day));
    await upsertBars(database.db, b, "1D", bars(5, Date.UTC(2020, 1, 27), 86_400_000, day)); // crosses 29 Feb
    const queries = [
      { stockId: a, until: "2020-01-20" },
      { stockId: b },
      { stockId: c }, // no bars: absent
    ];
    const loaded = await loadRecentBarsOfStocks(database.db, "1D", queries, 10);
    expect([...loaded.keys()].sort()).toEqual([a, b].sort());
    expect(loaded.get(a)?.map((bar) => bar.time)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2020-01-${String(11 + i).padStart(2, "0")}`),
    );
    expect(loaded.get(b)?.map((bar) => bar.time)).toEqual([
      "2020-02-27",
      "2020-02-28",
      "2020-02-29",
      "2020-03-01",
      "2020-03-02",
    ]);
    for (const query of queries.slice(0, 2)) {
      const one = await loadRecentBars(database.db, { ...query, timeframe: "1D", limit: 10 });
      expect(loaded.get(query.stockId)).toEqual(one);
    }
    expect(loaded.get(a)?.[0]).toEqual({
      time: "2020-01-11",
      open: 20,
      high: 21,
      low: 19,
      close: 20.5,
      volume: 1_000_000_000_010,
    });
  });

  it("writes intraday bar times in the exchange's offset, as the rest of the system does", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "MIN" }]);
    const stockId = ids.get("MIN") as number;
    const written = bars(3, Date.parse("2024-01-02T09:15:00+07:00"), 60_000, minute);
    await upsertBars(database.db, stockId, "1m", written);
    const loaded = await loadRecentBarsOfStocks(database.db, "1m", [{ stockId }], 100);
    expect(loaded.get(stockId)?.map((bar) => bar.time)).toEqual([
      "2024-01-02T09:15:00+07:00",
      "2024-01-02T09:16:00+07:00",
      "2024-01-02T09:17:00+07:00",
    ]);
  });
});
