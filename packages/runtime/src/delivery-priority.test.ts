import { describe, expect, it } from "vitest";
import { DELIVERY_JOB_PRIORITY, highDeliveryPriority } from "./queues.ts";

describe("highDeliveryPriority", () => {
  it("puts a chat that is owed fewer HIGH alerts first (BullMQ runs the lowest number first)", () => {
    expect(highDeliveryPriority(0)).toBe(1);
    expect(highDeliveryPriority(0)).toBeLessThan(highDeliveryPriority(1));
    expect(highDeliveryPriority(1)).toBeLessThan(highDeliveryPriority(9));
  });

  it("keeps every HIGH alert ahead of digests and single alerts, however long the backlog", () => {
    for (const owed of [0, 998, 999, 5_000, 1e9, Number.POSITIVE_INFINITY])
      expect(highDeliveryPriority(owed)).toBeLessThan(DELIVERY_JOB_PRIORITY.DIGEST);
    expect(DELIVERY_JOB_PRIORITY.DIGEST).toBeLessThan(DELIVERY_JOB_PRIORITY.MEDIUM);
    expect(DELIVERY_JOB_PRIORITY.MEDIUM).toBeLessThan(DELIVERY_JOB_PRIORITY.LOW);
  });

  it("reads a count that is not one (negative, fractional, NaN) as no backlog or its whole part", () => {
    expect(highDeliveryPriority(-3)).toBe(1);
    expect(highDeliveryPriority(Number.NaN)).toBe(1);
    expect(highDeliveryPriority(2.7)).toBe(3);
  });
});
