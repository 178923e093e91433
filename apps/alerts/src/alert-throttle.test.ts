import { describe, expect, it } from "vitest";
import { CAP_WINDOW_MS, capWindowStart, throttleEnabled, throttleVerdict } from "./alert-throttle.ts";

const quiet = { inCooldown: false, sentRecently: 0 };

describe("alert throttle", () => {
  it("the hourly cap counts the sends of exactly the last hour: 59 minutes ago counts, 61 does not", () => {
    const now = Date.parse("2024-03-04T10:00:00+07:00");
    const start = capWindowStart(now).getTime();
    expect(start).toBe(Date.parse("2024-03-04T09:00:00+07:00"));
    expect(CAP_WINDOW_MS).toBe(60 * 60_000);
    const counts = (sentAt: number) => sentAt >= start && sentAt <= now;
    expect(counts(now - 59 * 60_000)).toBe(true);
    expect(counts(now - 61 * 60_000)).toBe(false);
  });

  it("suppresses from the max-th send of the hour on, and says so", () => {
    const cap = { cooldownMs: 0, maxPerHour: 3 };
    expect(throttleVerdict(cap, { ...quiet, sentRecently: 2 })).toBeNull();
    expect(throttleVerdict(cap, { ...quiet, sentRecently: 3 })).toBe(
      "cap: 3 alerts sent to this subscriber in the last hour (max 3)",
    );
    expect(throttleVerdict({ cooldownMs: 0, maxPerHour: 0 }, { ...quiet, sentRecently: 500 })).toBeNull();
  });

  it("holds back a repeat within the cooldown, in minutes, before the cap is looked at", () => {
    const both = { cooldownMs: 90 * 60_000, maxPerHour: 1 };
    expect(throttleVerdict(both, { inCooldown: true, sentRecently: 5 })).toBe(
      "cooldown: the same signal on this symbol was sent for a bar within 90 min",
    );
    expect(
      throttleVerdict({ cooldownMs: 0, maxPerHour: 0 }, { inCooldown: true, sentRecently: 0 }),
    ).toBeNull();
  });

  it("reads nothing when both rules are off", () => {
    expect(throttleEnabled({ cooldownMs: 0, maxPerHour: 0 })).toBe(false);
    expect(throttleEnabled({ cooldownMs: 1, maxPerHour: 0 })).toBe(true);
    expect(throttleEnabled({ cooldownMs: 0, maxPerHour: 1 })).toBe(true);
  });
});
