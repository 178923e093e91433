import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { ApiRateLimiter } from "./api-rate-limiter.ts";

const connection = testQueueConnection();
const limiters: ApiRateLimiter[] = [];
afterAll(async () => {
  for (const limiter of limiters) await limiter.close();
  await removeQueuePrefix(connection);
});

function limiter(perMinute: number): ApiRateLimiter {
  const created = new ApiRateLimiter({ redisUrl: connection.redisUrl, prefix: connection.prefix, perMinute });
  limiters.push(created);
  return created;
}

describe("ApiRateLimiter (GCRA in Redis)", () => {
  it("lets a key spend its minute at once, from concurrent first requests, then refuses with the wait", async () => {
    const limit = limiter(5);
    const decisions = await Promise.all([1, 2, 3, 4, 5, 6].map(() => limit.take(1)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(
      decisions
        .filter((d) => d.allowed)
        .map((d) => d.remaining)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    const refused = decisions.find((d) => !d.allowed);
    // One request every 12 s comes back: the wait is at most that, and at least a second.
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(12);
    expect(refused?.resetSeconds).toBeLessThanOrEqual(60);
  });

  it("holds the allowance across replicas (two limiters, one Redis) and per key", async () => {
    const first = limiter(3);
    const second = limiter(3);
    expect((await first.take(2)).remaining).toBe(2);
    expect((await second.take(2)).remaining).toBe(1);
    expect((await first.take(2)).remaining).toBe(0);
    expect((await second.take(2)).allowed).toBe(false);
    expect((await second.take(3)).allowed).toBe(true);
  });
});
