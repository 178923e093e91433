import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { acquireRedisLock, RedisLockTimeoutError } from "../src/redis-lock.ts";

const connection = testQueueConnection();
const client = new Redis(connection.redisUrl, { maxRetriesPerRequest: 3 });
const key = (name: string) => `${connection.prefix}:${name}`;

afterAll(async () => {
  await removeQueuePrefix(connection);
  client.disconnect();
});

describe("Redis lock", () => {
  it("one holder at a time: the second waits until the first releases", async () => {
    const first = await acquireRedisLock(client, key("one-at-a-time"), { ttlMs: 5_000 });
    const order: string[] = [];
    const second = acquireRedisLock(client, key("one-at-a-time"), { ttlMs: 5_000, retryMs: 20 }).then(
      (lock) => {
        order.push("second took it");
        return lock;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push("first releases");
    expect(await first.release()).toBe(true);
    await (await second).release();
    expect(order).toEqual(["first releases", "second took it"]);
  });

  it("a holder whose lock expired and was taken by another does not release the other's lock", async () => {
    const slow = await acquireRedisLock(client, key("expired"), { ttlMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await acquireRedisLock(client, key("expired"), { ttlMs: 5_000 });
    expect(await slow.release()).toBe(false);
    // The next holder still has it: a third cannot take it.
    await expect(
      acquireRedisLock(client, key("expired"), { ttlMs: 5_000, waitMs: 100, retryMs: 20 }),
    ).rejects.toThrow(RedisLockTimeoutError);
    expect(await next.release()).toBe(true);
    expect(await client.exists(key("expired"))).toBe(0);
  });

  it("gives up after the wait with a coded error naming the lock", async () => {
    const held = await acquireRedisLock(client, key("busy"), { ttlMs: 5_000 });
    try {
      await expect(
        acquireRedisLock(client, key("busy"), { ttlMs: 5_000, waitMs: 60, retryMs: 20 }),
      ).rejects.toMatchObject({ code: "REDIS_LOCK_TIMEOUT", message: expect.stringContaining(key("busy")) });
    } finally {
      await held.release();
    }
  });
});
