import type { SignalRecord } from "@vpa/core";
import { upsertStocks } from "@vpa/db";
import { createMetrics, createQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../../test-support/queues.ts";
import { createRecordsWriteBatcher } from "./records-write-batcher.ts";

const signal = (symbol: string, time: string, score: number): SignalRecord => ({
  kind: "signal",
  symbol,
  time,
  type: "SELLING_CLIMAX",
  bias: "bull",
  score,
  confidence: 0.7,
  priority: score >= 80 ? "HIGH" : "MEDIUM",
  variant: null,
  features: { vr: 3.1, sr: 2.2, cl: 0.8, trend: "down" },
  close: 23.45,
  volume: 120_000,
  priceChange: -0.031,
});

describe("createRecordsWriteBatcher: a whole market's closed minute stored at once", () => {
  const connection = testQueueConnection();
  const alertsQueue = createQueue("alerts", connection);
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await obliterateQueues([alertsQueue]);
    await database?.drop();
  });

  it("stores every symbol's signal of a burst in a few statements, each alerted once, twice-told bars included", async () => {
    const symbols = Array.from({ length: 200 }, (_, i) => `R${i}`);
    const ids = await upsertStocks(
      database.db,
      symbols.map((symbol) => ({ symbol })),
    );
    const writer = createRecordsWriteBatcher(
      { db: database.db, alertsQueue, metrics: createMetrics({ collectProcessMetrics: false }) },
      "1m",
    );
    const commits = async () =>
      Number(
        (
          await sql<{ n: string }>`
            select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(
            database.db,
          )
        ).rows[0]?.n,
      );
    const before = await commits();
    const time = "2024-03-04T10:07:00+07:00";
    await Promise.all([
      ...symbols.map((symbol, i) =>
        writer.write({
          stockId: ids.get(symbol)!,
          signals: [signal(symbol, time, 60 + (i % 40))],
          confirmations: [],
        }),
      ),
      // The same bar announced twice in the burst (a reconnect's backfill): stored and alerted once.
      writer.write({ stockId: ids.get("R7")!, signals: [signal("R7", time, 67)], confirmations: [] }),
    ]);
    const after = await commits();
    // One statement per write (signals, confirmations, alerts) and per batch, not per symbol (200 × 3).
    expect(after - before).toBeLessThan(20);
    const stored = await sql<{ signals: number; alerts: number }>`
      select (select count(*) from vpa_signals)::int as signals, (select count(*) from alerts)::int as alerts`.execute(
      database.db,
    );
    expect(stored.rows[0]).toEqual({ signals: 200, alerts: 200 });
    expect(await alertsQueue.queue.count()).toBe(200);
    // Told again later (a restarted worker): nothing new.
    await writer.write({ stockId: ids.get("R3")!, signals: [signal("R3", time, 63)], confirmations: [] });
    expect(await alertsQueue.queue.count()).toBe(200);
    const again = await sql<{ n: number }>`select count(*)::int as n from alerts`.execute(database.db);
    expect(again.rows[0]?.n).toBe(200);
  });
});
