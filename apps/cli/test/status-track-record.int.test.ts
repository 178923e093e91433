/**
 * `vpa status` says whether every alert can carry its evidence: an empty track record over stored
 * daily bars, or daily signals it has not taken in, each with the command that resolves it.
 */
import { insertSignals, type SignalInput, upsertBars, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../test-support/vpa-process.ts";

const connection = testQueueConnection();
let database: TestDatabase;
let stockId: number;

function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database, connection));
}

function signal(time: string): SignalInput {
  return {
    time,
    type: "SPRING",
    bias: "bull",
    score: 72,
    confidence: 0.65,
    priority: "MEDIUM",
    variant: null,
    features: { vr: 1.8, sr: 1.2, cl: 0.7, trend: "down" },
    close: 30,
    volume: 2_000_000,
    priceChange: 0.01,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  stockId = (await upsertStocks(database.db, [{ symbol: "VCB", exchange: "HOSE" }])).get("VCB")!;
  const days = ["2021-07-12", "2021-07-13", "2021-07-14", "2021-07-15"];
  await upsertBars(
    database.db,
    stockId,
    "1D",
    days.map((time, i) => ({ time, open: 30, high: 31, low: 29, close: 30 + i / 10, volume: 2_000_000 })),
  );
  await insertSignals(database.db, stockId, "1D", [signal("2021-07-13"), signal("2021-07-14")]);
});
afterAll(async () => {
  await removeQueuePrefix(connection);
  await database?.drop();
});

describe("vpa status and the track record", () => {
  it("names an empty track record over stored daily bars, and the backfill that fills it", async () => {
    const run = await vpa(["status"]);
    expect(run.stdout).toMatch(
      /empty track record: every alert says 'not enough history yet'\s+2\s+vpa scan --lookback-days 36500 --no-alerts --wait && vpa study --update/,
    );
    expect(JSON.parse((await vpa(["status", "--json"])).stdout).trackRecord).toEqual({
      started: false,
      untracked: 2,
    });
  });

  it("once updated, says so; a signal stored after the update is named with vpa study --update", async () => {
    expect((await vpa(["study", "--update"])).code).toBe(0);
    const updated = await vpa(["status"]);
    expect(updated.stdout).toContain("track record: every daily signal taken in");
    expect(updated.stdout).not.toContain("needs attention");

    await insertSignals(database.db, stockId, "1D", [signal("2021-07-15")]);
    const behind = await vpa(["status"]);
    expect(behind.stdout).toMatch(/daily signals not in the track record\s+1\s+vpa study --update/);
    expect(behind.stdout).not.toContain("every daily signal taken in");
  });
});
