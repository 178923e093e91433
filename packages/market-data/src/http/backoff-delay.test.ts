import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryAfterMs } from "./backoff-delay.ts";

describe("backoffDelayMs", () => {
  const noJitter = { baseMs: 100, maxMs: 1_000, jitter: 0 };

  it("doubles from baseMs and stops at maxMs", () => {
    const delays = [0, 1, 2, 3, 4, 5, 20].map((retry) => backoffDelayMs(retry, noJitter, () => 0.7));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it("takes up to `jitter` of the delay away, never more", () => {
    const options = { baseMs: 100, maxMs: 1_000, jitter: 0.5 };
    expect(backoffDelayMs(2, options, () => 0)).toBe(400);
    expect(backoffDelayMs(2, options, () => 0.5)).toBe(300);
    expect(backoffDelayMs(2, options, () => 0.999_999)).toBe(200);
    for (let index = 0; index < 200; index++) {
      const delay = backoffDelayMs(3, options, Math.random);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it("full jitter can draw zero; out-of-range settings are clamped", () => {
    expect(backoffDelayMs(0, { baseMs: 100, maxMs: 1_000, jitter: 1 }, () => 1)).toBe(0);
    expect(backoffDelayMs(0, { baseMs: 100, maxMs: 1_000, jitter: 7 }, () => 0.5)).toBe(50);
    expect(backoffDelayMs(-3, noJitter, () => 0)).toBe(100);
  });
});

describe("retryAfterMs", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(retryAfterMs("2", 0)).toBe(2_000);
    expect(retryAfterMs(" 0.5 ", 0)).toBe(500);
    const now = Date.parse("2015-10-21T07:28:00Z");
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", now)).toBe(5_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
  });

  it("is null when absent or unreadable", () => {
    expect(retryAfterMs(null, 0)).toBeNull();
    expect(retryAfterMs("soon", 0)).toBeNull();
    expect(retryAfterMs("-5", 0)).toBeNull();
  });
});
