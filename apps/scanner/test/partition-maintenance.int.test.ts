import { listIntradayPartitions, upsertBars, upsertStocks } from "@vpa/db";
import { createLogger, createMetrics, createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startScanScheduler } from "../src/index.ts";

const connection = testQueueConnection();
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await removeQueuePrefix(connection);
  await database?.drop();
});

/** `market_data_intraday_YYYY_MM` of the month `offset` months from now, in Vietnam time. */
function monthPartition(offset: number): string {
  const local = new Date(Date.now() + 7 * 3_600_000);
  const month = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1));
  return `market_data_intraday_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

describe("market_data partition maintenance in the scanner", () => {
  it("creates this and next month's intraday partition and drops months past INTRADAY_RETENTION_DAYS when the scheduler starts", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "OLDBAR" }]);
    // A bar of 2020: its month gets a partition on the write, and is long past a 90-day retention.
    await upsertBars(database.db, ids.get("OLDBAR") as number, "1m", [
      { time: "2020-03-02T09:15:00+07:00", open: 1, high: 1, low: 1, close: 1, volume: 1 },
    ]);
    expect(await listIntradayPartitions(database.db)).toContain("market_data_intraday_2020_03");
    const scanQueue = createQueue("scan", connection);
    const analyzeQueue = createQueue("analyze", connection);
    const scheduler = await startScanScheduler({
      db: database.db,
      connection,
      scanQueue,
      analyzeQueue,
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger: createLogger({ level: "silent", secrets: [] }),
      dailyPattern: null,
      intradayPattern: null,
      intradayTimeframe: "15m",
      extraHolidays: [],
      intradayRetentionDays: 90,
    });
    try {
      const partitions = await listIntradayPartitions(database.db);
      expect(partitions).not.toContain("market_data_intraday_2020_03");
      expect(partitions).toEqual(expect.arrayContaining([monthPartition(0), monthPartition(1)]));
    } finally {
      await scheduler.worker.close();
      await scanQueue.close();
      await analyzeQueue.close();
    }
  });
});
