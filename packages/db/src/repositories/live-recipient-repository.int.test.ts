import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { findLiveRecipients } from "./live-recipient-repository.ts";
import { subscribe, unsubscribe } from "./subscriber-repository.ts";
import { findSubscriberSettings, updateSubscriberSettings } from "./subscriber-settings-repository.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const now = new Date("2024-03-04T03:00:00Z");
const match = { symbol: "VN30F1M", type: "EFFORT_TO_RISE", score: 75, now };

describe("live subscribers (migration 0013)", () => {
  it("are off by default; /live on and vpa subscribe --live turn the setting on", async () => {
    await subscribe(database.db, { channel: "telegram", address: "100" });
    expect((await findSubscriberSettings(database.db, "telegram", "100"))?.live).toBe(false);
    expect(await findLiveRecipients(database.db, match)).toEqual([]);
    const after = await updateSubscriberSettings(database.db, "telegram", "100", { live: true });
    expect(after?.live).toBe(true);
    expect((await findLiveRecipients(database.db, match)).map((r) => r.address)).toEqual(["100"]);
  });

  it("get a provisional alert only when a subscription wants the signal, and not while paused or unsubscribed", async () => {
    await subscribe(database.db, { channel: "telegram", address: "200", symbols: ["VCB"] });
    await subscribe(database.db, { channel: "email", address: "a@example.com", minScore: 80 });
    await subscribe(database.db, { channel: "console", address: "paused" });
    await subscribe(database.db, { channel: "console", address: "gone" });
    for (const [channel, address] of [
      ["telegram", "200"],
      ["email", "a@example.com"],
      ["console", "paused"],
      ["console", "gone"],
    ] as const)
      await updateSubscriberSettings(database.db, channel, address, { live: true });
    await updateSubscriberSettings(database.db, "console", "paused", {
      pausedUntil: new Date(now.getTime() + 3_600_000),
    });
    await unsubscribe(database.db, "console", "gone");
    // 200 follows VCB only; the email wants 80+; one is paused, one unsubscribed.
    expect((await findLiveRecipients(database.db, match)).map((r) => r.address)).toEqual(["100"]);
    expect(
      (await findLiveRecipients(database.db, { ...match, symbol: "VCB", score: 85 })).map((r) => r.address),
    ).toEqual(["100", "200", "a@example.com"]);
    // After the pause ends, the paused one is back.
    const later = { ...match, now: new Date(now.getTime() + 7_200_000) };
    expect((await findLiveRecipients(database.db, later)).map((r) => r.address)).toEqual(["100", "paused"]);
  });
});
