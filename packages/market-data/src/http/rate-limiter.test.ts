import { describe, expect, it } from "vitest";
import type { Clock } from "./clock.ts";
import { createRateLimiter, reserveRequestSlot } from "./rate-limiter.ts";

describe("reserveRequestSlot", () => {
  it("starts at once when idle and spaces the following requests by the interval", () => {
    let schedule = { nextSlotAt: Number.NEGATIVE_INFINITY };
    const starts: number[] = [];
    for (const now of [1_000, 1_000, 1_000, 1_500, 3_000]) {
      const reserved = reserveRequestSlot(schedule, now, 200);
      starts.push(reserved.startAt);
      schedule = reserved.schedule;
    }
    expect(starts).toEqual([1_000, 1_200, 1_400, 1_600, 3_000]);
  });
});

describe("createRateLimiter", () => {
  it("waits on the clock for each reserved slot", async () => {
    let now = 0;
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
      },
    };
    const limiter = createRateLimiter(4, clock);
    await Promise.all([limiter.wait(), limiter.wait(), limiter.wait()]);
    now = 2_000;
    await limiter.wait();
    expect(slept).toEqual([0, 250, 500, 0]);
  });
});
