import { describe, expect, it } from "vitest";
import { createConcurrencyLimiter } from "./concurrency-limiter.ts";

describe("concurrency limiter", () => {
  it("holds at most `limit` and hands slots over in arrival order", async () => {
    const limiter = createConcurrencyLimiter(2);
    const order: string[] = [];
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const third = limiter.acquire().then((release) => {
      order.push("third");
      return release;
    });
    const fourth = limiter.acquire().then((release) => {
      order.push("fourth");
      return release;
    });
    await Promise.resolve();
    expect(limiter.active()).toBe(2);
    expect(order).toEqual([]);
    first();
    first(); // a second call frees nothing more
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(["third", "fourth"]);
    expect(limiter.active()).toBe(0);
  });

  it("an aborted waiter leaves the queue", async () => {
    const limiter = createConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    held();
    expect(limiter.active()).toBe(0);
    (await limiter.acquire())();
  });
});
