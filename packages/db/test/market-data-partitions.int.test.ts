import {
  listIntradayPartitions,
  loadRecentBarsOfStocks,
  maintainMarketDataPartitions,
  migrateToLatest,
  recentBarsQuery,
  recentBarsReachMs,
  TIMEFRAMES,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import * as partitionsMigration from "../src/migrations/0014-market-data-partitions.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minute = (ms: number) => `${new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;

/** Weekday daily bars from `from` to `to` (UTC dates, inclusive). */
function weekdayBars(from: string, to: string) {
  const bars = [];
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += DAY_MS) {
    const weekday = new Date(ms).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    bars.push({ time: day(ms), open: 10, high: 11, low: 9, close: 10 + (ms % 7), volume: 1000 + (ms % 13) });
  }
  return bars;
}

/** 1-minute bars of a 09:00-11:30 and 13:00-14:45 session (ICT) on weekdays from `from` to `to`. */
function minuteBars(from: string, to: string) {
  const bars = [];
  for (let dayMs = Date.parse(from); dayMs <= Date.parse(to); dayMs += DAY_MS) {
    const weekday = new Date(dayMs).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const [start, end] of [
      [2 * 60, 4 * 60 + 30],
      [6 * 60, 7 * 60 + 45],
    ] as const) {
      for (let m = start; m < end; m++) {
        const ms = dayMs + m * 60_000; // 02:00Z = 09:00 ICT
        bars.push({ time: minute(ms), open: 10, high: 11, low: 9, close: 10 + (m % 5), volume: 100 + m });
      }
    }
  }
  return bars;
}

const PARTITION_SCAN =
  /Index (?:Only )?Scan Backward using (market_data_(?:daily|intraday)_\d{4}(?:_\d{2})?)_pkey.*$/;

/**
 * What EXPLAIN ANALYZE says a statement did with the partitions: those in its plan (the rest were
 * pruned when it was planned) and those whose index was actually scanned (not "never executed").
 */
async function partitionsOf(query: Parameters<typeof sql>[1]) {
  const plan = await sql<{ "QUERY PLAN": string }>`explain (analyze, costs off) ${query}`.execute(
    database.db,
  );
  const planned = new Set<string>();
  const scanned = new Set<string>();
  for (const { "QUERY PLAN": line } of plan.rows) {
    const match = PARTITION_SCAN.exec(line);
    if (match === null) continue;
    planned.add(match[1] as string);
    if (!line.includes("never executed")) scanned.add(match[1] as string);
  }
  const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
  return { planned: [...planned].sort(), scanned: [...scanned].sort(), text };
}

/** The same last-N read without any bound: what loadRecentBarsOfStocks must return. */
async function unboundedLastBars(stockId: number, timeframe: string, until: string, limit: number) {
  const result = await sql<{ time: Date; close: number }>`
    select time, close from market_data
    where stock_id = ${stockId} and timeframe = ${timeframe} and time <= ${until}::timestamptz
    order by time desc limit ${limit}`.execute(database.db);
  return result.rows.reverse().map((r) => [r.time.getTime() / 1000, r.close]);
}

describe("market_data partitions", () => {
  it("moves the stored bars into the partitioned table in place, and back on the way down", async () => {
    const scratch = await createTestDatabase();
    try {
      const migrateDown = async () => {
        await scratch.db.transaction().execute(async (trx) => {
          await partitionsMigration.down(trx as unknown as Kysely<unknown>);
          await sql`delete from kysely_migration where name = '0014-market-data-partitions'`.execute(trx);
        });
      };
      // Down to the flat table, with bars of both groups in it.
      await migrateDown();
      const ids = await upsertStocks(scratch.db, [{ symbol: "OLD" }]);
      const stockId = ids.get("OLD") as number;
      await sql`
        insert into market_data (stock_id, timeframe, time, open, high, low, close, volume, value)
        select ${stockId}::int, '1D', d, 1, 2, 0.5, 1.5, 100, 7 from generate_series('2019-03-01T00:00:00+07'::timestamptz, '2021-06-01T00:00:00+07', '1 day') d
        union all
        select ${stockId}::int, '1m', d, 1, 2, 0.5, 1.5, 100, null from generate_series('2024-01-30T00:00:00Z'::timestamptz, '2024-03-02T00:00:00Z', '1 hour') d
      `.execute(scratch.db);
      const fingerprint = sql<{ rows: number; sum: number }>`
        select count(*)::int as rows, sum(extract(epoch from time) + close + volume + coalesce(value, 0))::float8 as sum
        from market_data`;
      const before = (await fingerprint.execute(scratch.db)).rows[0];
      expect(await migrateToLatest(scratch.db)).toEqual({ applied: ["0014-market-data-partitions"] });
      expect((await fingerprint.execute(scratch.db)).rows[0]).toEqual(before);
      const partitions = await sql<{ name: string; rows: number }>`
        select c.relname as name, (select count(*)::int from market_data m where m.tableoid = c.oid) as rows
        from pg_class c where c.relname ~ '^market_data_(daily|intraday)_' and c.relkind = 'r' and
          (select count(*) from market_data m where m.tableoid = c.oid) > 0
        order by 1`.execute(scratch.db);
      expect(partitions.rows).toEqual([
        { name: "market_data_daily_2019", rows: 306 },
        { name: "market_data_daily_2020", rows: 366 },
        { name: "market_data_daily_2021", rows: 152 },
        { name: "market_data_intraday_2024_01", rows: 41 },
        { name: "market_data_intraday_2024_02", rows: 696 },
        { name: "market_data_intraday_2024_03", rows: 32 },
      ]);
      // The primary key holds the partition keys, and a duplicate bar is still refused.
      await expect(
        sql`insert into market_data (stock_id, timeframe, time, open, high, low, close, volume)
            values (${stockId}, '1D', '2020-05-05', 1, 1, 1, 1, 1), (${stockId}, '1D', '2020-05-05', 1, 1, 1, 1, 1)`.execute(
          scratch.db,
        ),
      ).rejects.toMatchObject({ code: "23505" });
      await migrateDown();
      expect((await fingerprint.execute(scratch.db)).rows[0]).toEqual(before);
      const kind = await sql<{
        relkind: string;
      }>`select relkind from pg_class where relname = 'market_data'`.execute(scratch.db);
      expect(kind.rows[0]?.relkind).toBe("r");
    } finally {
      await scratch.drop();
    }
  });

  it("accepts a bar of every timeframe, creating a missing period's partition on the write", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "EVERY" }]);
    for (const timeframe of TIMEFRAMES) {
      const time = timeframe === "1D" || timeframe === "1W" ? "2031-03-04" : "2031-03-04T09:15:00+07:00";
      const written = await upsertBars(database.db, ids.get("EVERY") as number, timeframe, [
        { time, open: 1, high: 1, low: 1, close: 1, volume: 1 },
      ]);
      expect(written).toEqual({ written: 1 });
    }
    const names = await sql<{ relname: string }>`
      select relname from pg_class where relname in ('market_data_daily_2031', 'market_data_intraday_2031_03')`.execute(
      database.db,
    );
    expect(names.rows.map((r) => r.relname).sort()).toEqual([
      "market_data_daily_2031",
      "market_data_intraday_2031_03",
    ]);
  });

  it("creates a new period's partition once when several writers race for it", async () => {
    const ids = await upsertStocks(
      database.db,
      Array.from({ length: 8 }, (_, i) => ({ symbol: `RACE${i}` })),
    );
    // Eight pooled connections write bars of a month that has no partition at the same time.
    const results = await Promise.all(
      [...ids.values()].map((stockId) =>
        upsertBars(database.db, stockId, "1m", minuteBars("2033-07-04", "2033-07-05")),
      ),
    );
    expect(results.map((r) => r.written)).toEqual(Array(8).fill(2 * 255));
    expect(
      (await listIntradayPartitions(database.db)).filter((n) => n.startsWith("market_data_intraday_2033")),
    ).toEqual(["market_data_intraday_2033_07"]);
  });

  it("prunes the last-N daily bars query to the partitions its window needs, as index scans", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "DLY1" }, { symbol: "DLY2" }]);
    for (const stockId of ids.values())
      await upsertBars(database.db, stockId, "1D", weekdayBars("2015-01-01", "2024-12-31"));
    await sql`analyze market_data`.execute(database.db);
    const stockIds = [...ids.values()];
    const until = Date.parse("2024-06-03T00:00:00+07:00") / 1000;
    const windows = {
      ids: Int32Array.from(stockIds),
      untils: Float64Array.from(stockIds, () => until),
      sinces: Float64Array.from(stockIds, () => until - recentBarsReachMs("1D", 250) / 1000),
    };
    const { planned, scanned, text } = await partitionsOf(recentBarsQuery("1D", windows, 250));
    // 250 bars before June 2024 reach back into 2023: those two years are read, no other partition.
    expect(scanned).toEqual(["market_data_daily_2023", "market_data_daily_2024"]);
    // Years after the newest bar are not even planned (2031 and 2040 exist: other tests made them);
    // older ones are planned only for the stocks with too few bars in their window (none here).
    expect(planned.filter((name) => name > "market_data_daily_2024")).toEqual([]);
    expect(planned).toContain("market_data_daily_2015");
    expect(text).toMatch(/Index Scan Backward using market_data_daily_2024_pkey/);
    expect(text).not.toMatch(/Merge Append|Seq Scan|Sort/);
    // And the result is the unbounded query's.
    const loaded = await loadRecentBarsOfStocks(
      database.db,
      "1D",
      stockIds.map((stockId) => ({ stockId, until: "2024-06-03" })),
      250,
    );
    for (const stockId of stockIds) {
      const bars = loaded.get(stockId) ?? [];
      expect(bars).toHaveLength(250);
      expect(bars.map((b) => [Date.parse(`${b.time}T00:00:00+07:00`) / 1000, b.close])).toEqual(
        await unboundedLastBars(stockId, "1D", "2024-06-03T00:00:00+07:00", 250),
      );
    }
  });

  it("prunes the last-N 1-minute bars query to the months it needs", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "MIN1" }]);
    const stockId = ids.get("MIN1") as number;
    await upsertBars(database.db, stockId, "1m", minuteBars("2025-01-02", "2025-04-30"));
    await sql`analyze market_data`.execute(database.db);
    const until = Date.parse("2025-04-03T14:44:00+07:00") / 1000;
    const windows = {
      ids: Int32Array.of(stockId),
      untils: Float64Array.of(until),
      sinces: Float64Array.of(until - recentBarsReachMs("1m", 250) / 1000),
    };
    const { planned, scanned, text } = await partitionsOf(recentBarsQuery("1m", windows, 250));
    // 250 minutes before 3 April: the window reaches into March, so April and March are read (at
    // most one probe of March: the planner may merge the two); February is planned only for a
    // stock short of bars in its window, never read; May is not even planned.
    expect(scanned.filter((name) => name < "market_data_intraday_2025_03")).toEqual([]);
    expect(scanned).toContain("market_data_intraday_2025_04");
    expect(planned).toEqual(
      expect.arrayContaining(["market_data_intraday_2025_02", "market_data_intraday_2025_03"]),
    );
    expect(planned.filter((name) => name > "market_data_intraday_2025_04")).toEqual([]);
    expect(text).not.toMatch(/Seq Scan|Sort(?! Key)/);
    const loaded = await loadRecentBarsOfStocks(
      database.db,
      "1m",
      [{ stockId, until: "2025-04-03T14:44:00+07:00" }],
      250,
    );
    expect(loaded.get(stockId)?.map((b) => [Date.parse(b.time) / 1000, b.close])).toEqual(
      await unboundedLastBars(stockId, "1m", "2025-04-03T14:44:00+07:00", 250),
    );
  });

  it("still returns the last N bars of a stock whose bars lie before the window (a long suspension, a young listing)", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "GAP" }, { symbol: "YOUNG" }]);
    const gap = ids.get("GAP") as number;
    const young = ids.get("YOUNG") as number;
    await upsertBars(database.db, gap, "1D", weekdayBars("2012-01-01", "2013-06-30"));
    await upsertBars(database.db, gap, "1D", weekdayBars("2024-05-01", "2024-06-03")); // back after 11 years
    await upsertBars(database.db, young, "1D", weekdayBars("2024-05-20", "2024-06-03"));
    const loaded = await loadRecentBarsOfStocks(
      database.db,
      "1D",
      [
        { stockId: gap, until: "2024-06-03" },
        { stockId: young, until: "2024-06-03" },
      ],
      250,
    );
    const asPairs = (id: number) =>
      (loaded.get(id) ?? []).map((b) => [Date.parse(`${b.time}T00:00:00+07:00`) / 1000, b.close]);
    expect(asPairs(gap)).toHaveLength(250);
    expect(asPairs(gap)).toEqual(await unboundedLastBars(gap, "1D", "2024-06-03T00:00:00+07:00", 250));
    expect(asPairs(young)).toEqual(await unboundedLastBars(young, "1D", "2024-06-03T00:00:00+07:00", 250));
    expect(asPairs(young)).toHaveLength(11);
    // One stock at a time (the live stream's warm-up) takes the other path: the same bars.
    const alone = await loadRecentBarsOfStocks(
      database.db,
      "1D",
      [{ stockId: gap, until: "2024-06-03" }],
      250,
    );
    expect(alone.get(gap)).toEqual(loaded.get(gap));
  });

  it("creates the coming periods ahead and drops whole intraday months past the retention", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "KEEP" }]);
    const stockId = ids.get("KEEP") as number;
    await upsertBars(database.db, stockId, "1m", minuteBars("2040-01-02", "2040-03-30"));
    await upsertBars(database.db, stockId, "1D", weekdayBars("2039-01-01", "2040-03-30"));
    const now = new Date("2040-04-10T03:00:00Z");
    // 60 days before 10 April is 11 February: January ends before it, February does not.
    const result = await maintainMarketDataPartitions(database.db, { now, intradayRetentionDays: 60 });
    expect(result.dropped.filter((n) => n.startsWith("market_data_intraday_2040"))).toEqual([
      "market_data_intraday_2040_01",
    ]);
    const partitions = await listIntradayPartitions(database.db);
    expect(partitions).toEqual(
      expect.arrayContaining(["market_data_intraday_2040_04", "market_data_intraday_2040_05"]),
    );
    expect(partitions).not.toContain("market_data_intraday_2040_01");
    const left = await sql<{ month: string; bars: number }>`
      select to_char(time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as month, count(*)::int as bars from market_data
      where stock_id = ${stockId} and timeframe = '1m' group by 1 order by 1`.execute(database.db);
    expect(left.rows.map((r) => r.month)).toEqual(["2040-02", "2040-03"]);
    // Daily bars are kept whatever the retention; next year's partition exists before its first bar.
    const daily = await sql<{ bars: number }>`
      select count(*)::int as bars from market_data where stock_id = ${stockId} and timeframe = '1D'`.execute(
      database.db,
    );
    expect(daily.rows[0]?.bars).toBe(weekdayBars("2039-01-01", "2040-03-30").length);
    const ahead = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_class where relname = 'market_data_daily_2041'`.execute(database.db);
    expect(ahead.rows[0]?.n).toBe(1);
    // Without a retention nothing is dropped, and a second run creates nothing.
    expect(await maintainMarketDataPartitions(database.db, { now, intradayRetentionDays: null })).toEqual({
      created: 0,
      dropped: [],
    });
  });

  it("has no default partition (a last-N query would open every partition)", async () => {
    const result = await sql<{ n: number }>`
      select count(*)::int as n from pg_class where relname like 'market_data%' and relispartition
        and pg_get_expr(relpartbound, oid) = 'DEFAULT'`.execute(database.db);
    expect(result.rows[0]?.n).toBe(0);
  });
});
