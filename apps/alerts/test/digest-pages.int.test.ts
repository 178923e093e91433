/**
 * A scan's digests are built a page of subscribers at a time (at 10,000 subscribers the whole
 * build at once ran an alerts worker out of heap): every subscriber in digest mode still gets
 * exactly one digest, across page boundaries, and a second run adds nothing.
 */
import { createPendingAlerts, createScan, insertSignals, subscribe, upsertStocks } from "@vpa/db";
import { createQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { buildDigests } from "../src/build-digests.job.ts";

const connection = testQueueConnection();
const deliveriesQueue = createQueue("deliveries", connection);
const analyzeQueue = createQueue("analyze", connection);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await obliterateQueues([deliveriesQueue, analyzeQueue]);
  await database?.drop();
});

describe("buildDigests, page by page", () => {
  it("gives each of 23 digest subscribers one digest of their own matches with pages of 4, and nothing twice", async () => {
    const ids = await upsertStocks(database.db, [
      { symbol: "VCB", exchange: "HOSE" },
      { symbol: "FPT", exchange: "HOSE" },
    ]);
    // Subscribed before the scan's alerts (a subscription only gathers later alerts).
    // 23 digest subscribers: odd ones watch VCB only, even ones everything; 2 instant ones get no digest.
    for (let i = 0; i < 23; i++)
      await subscribe(database.db, {
        channel: "telegram",
        address: String(9_000 + i),
        ...(i % 2 === 1 ? { symbols: ["VCB"] } : {}),
      });
    for (const address of ["9990", "9991"]) await subscribe(database.db, { channel: "telegram", address });
    await sql`update subscribers set delivery_mode = 'instant' where address in ('9990', '9991')`.execute(
      database.db,
    );

    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    for (const [symbol, score] of [
      ["VCB", 70],
      ["FPT", 62],
    ] as const) {
      const [stored] = await insertSignals(database.db, ids.get(symbol)!, "1D", [
        {
          time: "2024-03-04",
          type: "NO_SUPPLY",
          bias: "bull",
          score,
          confidence: 0.6,
          priority: "MEDIUM",
          variant: null,
          features: { vr: 0.6, sr: 0.7, cl: 0.5, trend: "down" },
          close: 50,
          volume: 1_000_000,
          priceChange: 0.004,
        },
      ]);
      await createPendingAlerts(database.db, [{ signalId: stored!.id, priority: "MEDIUM" }], scanId);
    }
    const built = await buildDigests(
      { scanId },
      { db: database.db, analyzeQueue, deliveriesQueue, pageSize: 4 },
    );
    expect(built).toMatchObject({ kind: "built", digests: 23 });
    expect(built.kind === "built" ? new Set(built.deliveryJobIds).size : 0).toBe(23);
    const digests = await sql<{ address: string; total: number; symbols: string[] }>`
      select sb.address, d.total, array(select jsonb_array_elements(d.items)->>'symbol') as symbols
      from digests d join subscribers sb on sb.id = d.subscriber_id order by sb.address`.execute(database.db);
    expect(digests.rows).toHaveLength(23);
    for (const [i, row] of digests.rows.entries()) {
      expect(row.address).toBe(String(9_000 + i));
      expect(row.symbols).toEqual(i % 2 === 1 ? ["VCB"] : ["VCB", "FPT"]);
      expect(row.total).toBe(i % 2 === 1 ? 1 : 2);
    }
    expect(await deliveriesQueue.queue.count()).toBe(23);

    // Run again (a retried job after a crash): the scan is built, nothing is added.
    await sql`update scans set digest_state = 'waiting' where id = ${scanId}`.execute(database.db);
    await buildDigests({ scanId }, { db: database.db, analyzeQueue, deliveriesQueue, pageSize: 4 });
    const counted = await sql<{ digests: number; deliveries: number }>`
      select (select count(*) from digests)::int as digests,
        (select count(*) from alert_deliveries where digest_id is not null)::int as deliveries`.execute(
      database.db,
    );
    expect(counted.rows[0]).toEqual({ digests: 23, deliveries: 23 });
    expect(await deliveriesQueue.queue.count()).toBe(23);
  });
});
