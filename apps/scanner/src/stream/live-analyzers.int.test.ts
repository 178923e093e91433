import { resolve } from "node:path";
import { upsertBars, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReplayBarsCsv } from "../../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { createLiveAnalyzers } from "./live-analyzers.ts";

const BARS = readReplayBarsCsv(resolve(import.meta.dirname, "../../../../fixtures/vn30f1m-1m-sample.csv"));

let database: TestDatabase;
let stockId: number;
beforeAll(async () => {
  database = await createTestDatabase();
  stockId = (await upsertStocks(database.db, [{ symbol: "VN30F1M", exchange: "HNX" }])).get("VN30F1M")!;
  await upsertBars(database.db, stockId, "1m", BARS);
});
afterAll(async () => {
  await database?.drop();
});

describe("createLiveAnalyzers warm-up", () => {
  it("feeds the analyzer the scan's window but the time-of-day averages 20 sessions of minutes", async () => {
    const warm = (timeOfDayBars?: number) => {
      const analyzers = createLiveAnalyzers({
        db: database.db,
        timeframe: "1m",
        warmUpBars: 250,
        stockIdOf: () => stockId,
        ...(timeOfDayBars === undefined ? {} : { timeOfDayBars }),
      });
      return analyzers.warm(["VN30F1M"]).then(() => analyzers);
    };
    const next = "2023-12-14T10:00:00+07:00"; // a minute of day the fixture trades every session
    const narrow = await warm();
    expect(narrow.analyzerOf("VN30F1M")?.barCount).toBe(250);
    expect(narrow.timeOfDayOf("VN30F1M")?.average(next)).toBeNaN(); // 250 minutes: one session
    const wide = await warm(5_400);
    expect(wide.analyzerOf("VN30F1M")?.barCount).toBe(250);
    expect(wide.timeOfDayOf("VN30F1M")?.average(next)).toBeGreaterThan(0);
    expect(wide.lastBarTimeMs("VN30F1M")).toBe(Date.parse(BARS.at(-1)!.time));
  });
});
