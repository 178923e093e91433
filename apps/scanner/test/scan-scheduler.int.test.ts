import { resolve } from "node:path";
import { market } from "@vpa/core";
import { createProvider } from "@vpa/market-data";
import { createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { loadFixtureBars, startMarketDataStandIn } from "../../../test-support/market-data-stand-in.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { importBars, registerScanSchedules, runScheduledScan, scanSchedulesOf } from "../src/index.ts";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/vn30-daily-2018-2021.csv.gz");
const connection = testQueueConnection();
const scanQueue = createQueue("scan", connection);
const analyzeQueue = createQueue("analyze", connection);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await importBars(database.db, [FIXTURE], { todayLocal: "2026-01-01" });
});
afterAll(async () => {
  await obliterateQueues([scanQueue, analyzeQueue]);
  await database?.drop();
});

describe("scan scheduler", () => {
  it("registers the configured schedules in Asia/Ho_Chi_Minh, idempotently, and removes dropped ones", async () => {
    const both = scanSchedulesOf({
      dailyPattern: "10 15 * * 1-5",
      intradayPattern: "*/15 9-14 * * 1-5",
      intradayTimeframe: "15m",
    });
    await registerScanSchedules(scanQueue, connection, both);
    await registerScanSchedules(scanQueue, connection, both);
    const schedulers = await scanQueue.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ["scan-daily", "10 15 * * 1-5", "Asia/Ho_Chi_Minh"],
      ["scan-intraday", "*/15 9-14 * * 1-5", "Asia/Ho_Chi_Minh"],
    ]);
    const dailyOnly = scanSchedulesOf({
      dailyPattern: "10 15 * * 1-5",
      intradayPattern: null,
      intradayTimeframe: "15m",
    });
    const { removed } = await registerScanSchedules(scanQueue, connection, dailyOnly);
    expect(removed).toEqual(["scan-intraday"]);
    expect((await scanQueue.queue.getJobSchedulers()).map((s) => s.key)).toEqual(["scan-daily"]);
  });

  it("a firing on Tet enqueues nothing; a firing on a trading day scans every symbol", async () => {
    const deps = { db: database.db, analyzeQueue, calendar: market.DEFAULT_HOLIDAY_CALENDAR };
    const tet = await runScheduledScan(
      { kind: "daily", timeframe: "1D" },
      { ...deps, now: () => Date.parse("2026-02-17T15:10:00+07:00") },
    );
    expect(tet).toEqual({ ran: false, reason: "not-a-trading-day" });
    expect(await analyzeQueue.queue.count()).toBe(0);
    const monday = await runScheduledScan(
      { kind: "daily", timeframe: "1D" },
      { ...deps, now: () => Date.parse("2026-02-23T15:10:00+07:00") },
    );
    expect(monday).toMatchObject({ ran: true, enqueued: 30, missing: 0 });
    // The daily firing also brings the track record up to the newest close.
    expect(monday.ran && monday.trackRecord?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The 30 symbols in one analyze job (a chunk holds 100 by default).
    const [job] = await analyzeQueue.queue.getJobs(["waiting"]);
    expect(await analyzeQueue.queue.count()).toBe(1);
    expect(job?.data.symbols).toHaveLength(30);
  });

  it("with a market-data source, fetches the new bars first and analyses each from its first new bar", async () => {
    const vcb = (await loadFixtureBars(["VCB"])).get("VCB")!;
    const last = vcb.at(-1)!;
    // Three valid bars after the fixture's last one (close inside [low, high]).
    const newBars = ["2021-07-16", "2021-07-19", "2021-07-20"].map((time, i) => {
      const close = last.close + i * 0.1;
      return { ...last, time, close, high: Math.max(last.high, close), low: Math.min(last.low, close) };
    });
    const server = await startMarketDataStandIn({
      bars: (symbol) => (symbol === "VCB" ? [...vcb, ...newBars] : undefined),
    });
    const queue = createQueue("analyze", testQueueConnection());
    try {
      const result = await runScheduledScan(
        { kind: "daily", timeframe: "1D" },
        {
          db: database.db,
          analyzeQueue: queue,
          calendar: market.DEFAULT_HOLIDAY_CALENDAR,
          now: () => Date.parse("2026-02-23T15:10:00+07:00"),
          provider: createProvider("udf", { baseUrl: server.baseUrl, retries: 0, requestsPerSecond: 200 }),
        },
      );
      expect(result).toMatchObject({ ran: true, enqueued: 30, fetched: { bars: 3, failed: 0 } });
      const jobs = await queue.queue.getJobs(["waiting"]);
      const vcbItem = jobs
        .flatMap((j) => j.data.symbols as { symbol: string }[])
        .find((item) => item.symbol === "VCB");
      expect(vcbItem).toMatchObject({ barTime: "2021-07-20", signalsSince: "2021-07-16" });
    } finally {
      await obliterateQueues([queue]);
      await server.close();
    }
  });
});
