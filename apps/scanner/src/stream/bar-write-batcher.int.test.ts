import { loadRecentBars, upsertStocks } from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { createBarWriteBatcher } from "./bar-write-batcher.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const bar = (time: string, close: number) => ({
  time,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 100,
});

describe("createBarWriteBatcher", () => {
  it("stores a burst of many stocks' bars in few statements, each caller told when its bars are in", async () => {
    const symbols = Array.from({ length: 300 }, (_, i) => `S${i}`);
    const ids = await upsertStocks(
      database.db,
      symbols.map((symbol) => ({ symbol })),
    );
    const batcher = createBarWriteBatcher(database.db, "1m");
    const before = Number(
      (
        await sql<{
          n: string;
        }>`select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(
          database.db,
        )
      ).rows[0]?.n,
    );
    const stored = await Promise.all(
      symbols.map((symbol, i) => batcher.write(ids.get(symbol)!, [bar("2024-03-04T10:07:00+07:00", 10 + i)])),
    );
    const after = Number(
      (
        await sql<{
          n: string;
        }>`select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(
          database.db,
        )
      ).rows[0]?.n,
    );
    expect(stored.every((n) => n === 1)).toBe(true);
    expect(after - before).toBeLessThan(20); // one per batch (and the two counting queries), not 300
    const count = await sql<{ n: number }>`select count(*)::int as n from market_data`.execute(database.db);
    expect(count.rows[0]?.n).toBe(300);
    const s7 = await loadRecentBars(database.db, { stockId: ids.get("S7")!, timeframe: "1m", limit: 5 });
    expect(s7).toEqual([{ ...bar("2024-03-04T10:07:00+07:00", 17), volume: 100 }]);
  });

  it("is idempotent and lets the newest copy of a bar win within a batch", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "DUP" }]);
    const batcher = createBarWriteBatcher(database.db, "1m");
    await Promise.all([
      batcher.write(ids.get("DUP")!, [bar("2024-03-04T10:08:00+07:00", 1)]),
      batcher.write(ids.get("DUP")!, [bar("2024-03-04T10:08:00+07:00", 2)]),
    ]);
    await batcher.write(ids.get("DUP")!, [bar("2024-03-04T10:08:00+07:00", 2)]);
    const stored = await loadRecentBars(database.db, { stockId: ids.get("DUP")!, timeframe: "1m", limit: 5 });
    expect(stored.map((b) => b.close)).toEqual([2]);
  });

  it("rejects every caller of a failed batch, and works again after", async () => {
    const batcher = createBarWriteBatcher(database.db, "1m");
    await expect(batcher.write(999_999, [bar("2024-03-04T10:09:00+07:00", 1)])).rejects.toThrow(
      /foreign key|violates/,
    );
    const ids = await upsertStocks(database.db, [{ symbol: "OK" }]);
    expect(await batcher.write(ids.get("OK")!, [bar("2024-03-04T10:09:00+07:00", 1)])).toBe(1);
  });
});
