import { insertSignals, upsertSignalOutcomes, upsertStocks } from "@vpa/db";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { highSignalInput } from "../../../test-support/signal-input.ts";
import * as reopened from "../src/migrations/0016-futures-outcomes-reopened.ts";

/**
 * Migration 0016: the VN30 futures' final track-record rows, netted as a stock's until then,
 * become not final again so the next update writes them with the futures' costs; stocks' rows and
 * every row's chance draw stay as they were.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const signal = highSignalInput("2024-01-02", 1_250, 1_000_000);

const trade = {
  entryTime: "2024-01-03",
  entryPrice: 1_250,
  exitTime: "2024-01-04",
  exitPrice: 1_260,
  netReturn: 0.004,
};

describe("migration 0016: the futures' stored outcomes are reopened", () => {
  it("makes the VN30 futures' final rows not final, keeps their chance draws, and leaves stocks alone", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "VN30F1M" }, { symbol: "VCB" }]);
    const [future] = await insertSignals(database.db, ids.get("VN30F1M")!, "1D", [signal]);
    const [stock] = await insertSignals(database.db, ids.get("VCB")!, "1D", [signal]);
    const row = (signalId: number) => ({
      signalId,
      horizon: 1,
      averageTradedValue: 1e9,
      liquidityBand: "high",
      outcome: trade,
      hit: true,
      chance: { status: "drawn" as const, time: "2024-01-02" },
      chanceOutcome: trade,
      chanceHit: true,
    });
    await upsertSignalOutcomes(database.db, [row(future!.id), row(stock!.id)]);

    await reopened.up(database.db as unknown as Kysely<unknown>);

    const stored = await sql<{
      signal_id: string;
      net_return: number | null;
      hit: boolean | null;
      entry_price: number | null;
      chance_status: string;
      chance_net_return: number | null;
    }>`
      select signal_id, net_return, hit, entry_price, chance_status, chance_net_return
      from signal_outcomes order by signal_id
    `.execute(database.db);
    const bySignal = new Map(stored.rows.map((r) => [Number(r.signal_id), r]));
    expect(bySignal.get(future!.id)).toMatchObject({
      net_return: null,
      hit: null,
      entry_price: 1_250,
      chance_status: "drawn",
      chance_net_return: null,
    });
    expect(bySignal.get(stock!.id)).toMatchObject({ net_return: 0.004, hit: true, chance_net_return: 0.004 });
    // Run again: nothing left to reopen, nothing else touched.
    await reopened.up(database.db as unknown as Kysely<unknown>);
    expect(
      (await sql`select 1 from signal_outcomes where net_return is not null`.execute(database.db)).rows,
    ).toHaveLength(1);
  });
});
