import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { createProvisionalLedgerRedis } from "./provisional-ledger-redis.ts";

describe("createProvisionalLedgerRedis: the once-only ledger of provisional alerts", () => {
  const connection = testQueueConnection();
  const ledger = createProvisionalLedgerRedis(connection);
  afterAll(async () => {
    ledger.disconnect();
    await removeQueuePrefix(connection);
  });

  it("takes every closing bar's claims in one call, each once: a second taker (another process) gets none", async () => {
    const key = (symbol: string) => `${connection.prefix}:provisional:1m:${symbol}:2024-03-04T10:07:00+07:00`;
    expect(await ledger.hsetnx(key("AAA"), "SELLING_CLIMAX", "bull|82")).toBe(1);
    expect(await ledger.hsetnx(key("AAA"), "SELLING_CLIMAX", "bull|90")).toBe(0); // claimed once
    await ledger.hsetnx(key("AAA"), "NO_DEMAND", "bear|61");
    await ledger.hsetnx(key("CCC"), "TEST", "bull|70");
    const keys = Array.from({ length: 2_500 }, (_, i) => key(`S${i}`));
    keys.splice(7, 0, key("AAA"));
    keys.splice(2_000, 0, key("CCC"));
    const [first, second] = await Promise.all([ledger.takeClaims(keys), ledger.takeClaims(keys)]);
    const taken = [first, second].map((claims) => claims.filter((c) => Object.keys(c).length > 0));
    // Both callers got one answer per key, in order; the claims went to exactly one of them.
    expect(first).toHaveLength(keys.length);
    expect(second).toHaveLength(keys.length);
    expect([...taken[0]!, ...taken[1]!]).toEqual(
      expect.arrayContaining([{ SELLING_CLIMAX: "bull|82", NO_DEMAND: "bear|61" }, { TEST: "bull|70" }]),
    );
    expect(taken[0]!.length + taken[1]!.length).toBe(2);
    const owner = first[7]?.SELLING_CLIMAX === undefined ? second : first;
    expect(owner[7]).toEqual({ SELLING_CLIMAX: "bull|82", NO_DEMAND: "bear|61" });
    expect(await ledger.takeClaims([key("AAA")])).toEqual([{}]);
  });
});
