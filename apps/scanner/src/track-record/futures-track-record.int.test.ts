/**
 * A VN30 future's stored track record against the real PostgreSQL: the update nets its outcomes by
 * the futures' own costs (per contract and night, roundTripCostsOf), and migration 0016 makes rows
 * written with the stocks' costs (before that release) be written again by the next update.
 */
import { netLongReturn, roundTripCostsOf } from "@vpa/core";
import { insertSignals, upsertBars, upsertStocks } from "@vpa/db";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as reopened from "../../../../packages/db/src/migrations/0016-futures-outcomes-reopened.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { highSignalInput } from "../../../../test-support/signal-input.ts";
import { updateTrackRecord } from "./update-track-record.ts";

let database: TestDatabase;

/** 60 sessions of a made-up VN30F1M in index points (stored as thousand VND), one a calendar day. */
const bars = Array.from({ length: 60 }, (_, i) => {
  const open = 1_200 + Math.sin(i / 4) * 20 + i;
  const close = open + Math.cos(i / 3) * 6;
  return {
    time: new Date(Date.UTC(2023, 1, 1) + i * 86_400_000).toISOString().slice(0, 10),
    open,
    high: Math.max(open, close) + 3,
    low: Math.min(open, close) - 3,
    close,
    volume: 200_000 + i * 1_000,
  };
});
const SIGNAL_BAR = 40;

beforeAll(async () => {
  database = await createTestDatabase();
  const ids = await upsertStocks(database.db, [{ symbol: "VN30F1M", exchange: "HNX" }]);
  const stockId = ids.get("VN30F1M")!;
  await upsertBars(database.db, stockId, "1D", bars);
  const signal = highSignalInput(bars[SIGNAL_BAR]!.time, bars[SIGNAL_BAR]!.close, bars[SIGNAL_BAR]!.volume);
  await insertSignals(database.db, stockId, "1D", [signal]);
});
afterAll(async () => {
  await database?.drop();
});

async function storedReturn(horizon: number): Promise<number | null> {
  const result = await sql<{ net_return: number | null }>`
    select net_return from signal_outcomes where horizon = ${horizon}
  `.execute(database.db);
  return result.rows[0]?.net_return ?? null;
}

describe("a VN30 future's stored track record", () => {
  // In at the open after the signal, out at the close 5 sessions after it: 4 nights held.
  const expected = netLongReturn(
    bars[SIGNAL_BAR + 1]!.open,
    bars[SIGNAL_BAR + 5]!.close,
    roundTripCostsOf("VN30F1M"),
    4,
  );

  it("is netted by the futures' costs, per contract and night held", async () => {
    await updateTrackRecord(database.db, { horizons: [1, 5], seed: 5 });
    expect(await storedReturn(5)).toBeCloseTo(expected, 12);
  });

  it("is written again after migration 0016 where an older release netted it as a stock", async () => {
    // As a release before 0016 left it: the stocks' ~0.4 % round trip.
    await sql`update signal_outcomes set net_return = net_return - 0.004`.execute(database.db);
    expect(await updateTrackRecord(database.db, { horizons: [1, 5], seed: 5 })).toMatchObject({
      rowsWritten: 0,
    });
    expect(await storedReturn(5)).toBeCloseTo(expected - 0.004, 12);

    await reopened.up(database.db as unknown as Kysely<unknown>);
    expect(await storedReturn(5)).toBeNull();
    await updateTrackRecord(database.db, { horizons: [1, 5], seed: 5 });

    expect(await storedReturn(5)).toBeCloseTo(expected, 12);
  });
});
