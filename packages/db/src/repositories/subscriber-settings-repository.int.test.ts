import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { createScan } from "./scan-repository.ts";
import { insertSignals, type SignalInput } from "./signal-repository.ts";
import { upsertStocks } from "./stock-repository.ts";
import { subscribe } from "./subscriber-repository.ts";
import {
  findOwnSubscription,
  findSubscriberSettings,
  listOwedDeliveryIds,
  listStrongestSignalsOfLatestScan,
  listSubscriberSettings,
  setSubscriptionSignalTypes,
  updateSubscriberSettings,
} from "./subscriber-settings-repository.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const signal = (
  time: string,
  type: string,
  score: number,
  priority: SignalInput["priority"] = "MEDIUM",
): SignalInput => ({
  time,
  type,
  bias: "bull",
  score,
  confidence: 0.65,
  priority,
  variant: null,
  features: { vr: 2.5, sr: 1.2, cl: 0.5, trend: "down" },
  close: 23.45,
  volume: 1234,
  priceChange: 0.01,
});

describe("subscriber settings", () => {
  it("starts from the migration's defaults: digest of 10, the operator's language, not paused", async () => {
    await subscribe(database.db, { channel: "telegram", address: "100" });
    expect(await findSubscriberSettings(database.db, "telegram", "100")).toMatchObject({
      channel: "telegram",
      address: "100",
      isActive: true,
      deliveryMode: "digest",
      digestTop: 10,
      language: null,
      pausedUntil: null,
    });
  });

  it("changes only what it is given, and returns the settings after the change", async () => {
    const until = new Date("2030-01-02T03:04:05Z");
    const after = await updateSubscriberSettings(database.db, "telegram", "100", {
      deliveryMode: "instant",
      language: "en",
      pausedUntil: until,
    });
    expect(after).toMatchObject({
      deliveryMode: "instant",
      digestTop: 10,
      language: "en",
      pausedUntil: until,
    });
    expect(await updateSubscriberSettings(database.db, "telegram", "100", { digestTop: 25 })).toMatchObject({
      deliveryMode: "instant",
      digestTop: 25,
      language: "en",
    });
    expect(
      await updateSubscriberSettings(database.db, "telegram", "100", { pausedUntil: null, language: null }),
    ).toMatchObject({ pausedUntil: null, language: null, digestTop: 25 });
    expect(await updateSubscriberSettings(database.db, "telegram", "100", {})).toMatchObject({
      digestTop: 25,
    });
  });

  it("creates nothing for an address that never subscribed, and keeps the digest length within 1–50", async () => {
    expect(
      await updateSubscriberSettings(database.db, "telegram", "404", { language: "vi" }),
    ).toBeUndefined();
    expect(await findSubscriberSettings(database.db, "telegram", "404")).toBeUndefined();
    await expect(updateSubscriberSettings(database.db, "telegram", "100", { digestTop: 51 })).rejects.toThrow(
      /digest_top/,
    );
  });

  it("keeps the settings of an address per channel, and lists every subscriber's", async () => {
    await subscribe(database.db, { channel: "email", address: "100" });
    await updateSubscriberSettings(database.db, "email", "100", { language: "vi" });
    expect((await findSubscriberSettings(database.db, "telegram", "100"))?.language).toBeNull();
    const listed = await listSubscriberSettings(database.db);
    expect(listed.map((s) => [s.channel, s.address, s.language])).toEqual([
      ["telegram", "100", null],
      ["email", "100", "vi"],
    ]);
  });

  it("lists the deliveries still owed to a subscriber (queued or retry), for /resume", async () => {
    const stockId = (await upsertStocks(database.db, [{ symbol: "HPG", name: null, exchange: "HOSE" }])).get(
      "HPG",
    )!;
    const [stored] = await insertSignals(database.db, stockId, "1D", [signal("2024-03-01", "NO_SUPPLY", 70)]);
    const subscriberId = (await findSubscriberSettings(database.db, "telegram", "100"))!.subscriberId;
    const rows = await sql<{ id: number; status: string }>`
      with alert as (insert into alerts (signal_id, priority, message) values (${stored!.id}, 'MEDIUM', 'x') returning id)
      insert into alert_deliveries (alert_id, subscriber_id, channel, status)
      select id, ${subscriberId}, channel, status from alert,
        (values ('telegram', 'queued'), ('email', 'retry'), ('console', 'sent'), ('webhook', 'failed')) as d(channel, status)
      returning id, status
    `.execute(database.db);
    const owed = rows.rows
      .filter((row) => row.status === "queued" || row.status === "retry")
      .map((row) => row.id);
    expect(await listOwedDeliveryIds(database.db, subscriberId)).toEqual(owed.sort((a, b) => a - b));
  });
});

describe("a subscription's signal types, as its own chat edits them", () => {
  it("changes the types of a subscription the address owns, sorted; empty means every type", async () => {
    const { subscriptionId } = await subscribe(database.db, {
      channel: "telegram",
      address: "200",
      symbols: ["VCB", "FPT"],
      minScore: 75,
    });
    expect(
      await setSubscriptionSignalTypes(database.db, "telegram", "200", subscriptionId, ["TEST", "SPRING"]),
    ).toEqual({ subscriptionId, symbols: ["FPT", "VCB"], signalTypes: ["SPRING", "TEST"], minScore: 75 });
    expect((await findOwnSubscription(database.db, "telegram", "200", subscriptionId))?.signalTypes).toEqual([
      "SPRING",
      "TEST",
    ]);
    expect(
      (await setSubscriptionSignalTypes(database.db, "telegram", "200", subscriptionId, []))?.signalTypes,
    ).toBeNull();
  });

  it("refuses another address's subscription, and an unsubscribed one", async () => {
    const { subscriptionId } = await subscribe(database.db, { channel: "telegram", address: "300" });
    expect(await findOwnSubscription(database.db, "telegram", "200", subscriptionId)).toBeUndefined();
    expect(
      await setSubscriptionSignalTypes(database.db, "telegram", "200", subscriptionId, ["TEST"]),
    ).toBeUndefined();
    expect(
      (await findOwnSubscription(database.db, "telegram", "300", subscriptionId))?.signalTypes,
    ).toBeNull();
    await sql`update subscribers set is_active = false where address = '300'`.execute(database.db);
    expect(
      await setSubscriptionSignalTypes(database.db, "telegram", "300", subscriptionId, ["TEST"]),
    ).toBeUndefined();
  });
});

describe("the strongest signals of the newest scan (/top)", () => {
  it("is undefined before any scan", async () => {
    const fresh = await createTestDatabase();
    try {
      expect(await listStrongestSignalsOfLatestScan(fresh.db, 10)).toBeUndefined();
    } finally {
      await fresh.drop();
    }
  });

  it("ranks the newest scan's alerts by score, HIGH ones too, and counts them all", async () => {
    const stocks = await upsertStocks(database.db, [
      { symbol: "VCB", name: "Vietcombank", exchange: "HOSE" },
      { symbol: "FPT", name: "FPT", exchange: "HOSE" },
    ]);
    const older = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const newest = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    await sql`update scans set created_at = now() - interval '1 day' where id = ${older}`.execute(
      database.db,
    );
    const inScan = async (scanId: number, symbol: string, input: SignalInput) => {
      const [stored] = await insertSignals(database.db, stocks.get(symbol)!, "1D", [input]);
      await sql`insert into alerts (signal_id, priority, message, scan_id) values (${stored!.id}, ${input.priority}, 'x', ${scanId})`.execute(
        database.db,
      );
    };
    await inScan(older, "VCB", signal("2024-03-03", "SELLING_CLIMAX", 99, "HIGH"));
    await inScan(newest, "VCB", signal("2024-03-04", "NO_SUPPLY", 71));
    await inScan(newest, "FPT", signal("2024-03-04", "SELLING_CLIMAX", 88, "HIGH"));
    await inScan(newest, "FPT", signal("2024-03-04", "TEST", 75));

    const top = await listStrongestSignalsOfLatestScan(database.db, 2);
    expect(top).toMatchObject({ scanId: newest, timeframe: "1D", complete: false, total: 3 });
    expect(top?.items).toEqual([
      {
        symbol: "FPT",
        exchange: "HOSE",
        signalType: "SELLING_CLIMAX",
        bias: "bull",
        score: 88,
        priority: "HIGH",
        close: 23.45,
        volumeRatio: 2.5,
        time: "2024-03-04",
      },
      expect.objectContaining({ symbol: "FPT", signalType: "TEST", score: 75 }),
    ]);
    await sql`update scans set digest_state = 'built' where id = ${newest}`.execute(database.db);
    expect((await listStrongestSignalsOfLatestScan(database.db, 10))?.complete).toBe(true);
  });
});
