import { describe, expect, it } from "vitest";
import { createCoalescingBatcher } from "./coalescing-batcher.ts";

describe("createCoalescingBatcher", () => {
  it("writes a burst of requests in one batch while the first write runs, the rest in the next", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = createCoalescingBatcher<number>(
      async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { weight: () => 1, maxWeight: 1_000 },
    );
    const first = Array.from({ length: 300 }, (_, i) => batcher.add(i));
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is being written: a second burst gathers behind it.
    const second = Array.from({ length: 50 }, (_, i) => batcher.add(300 + i));
    release();
    await Promise.all([...first, ...second]);
    expect(batches.map((b) => b.length)).toEqual([300, 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 350 }, (_, i) => i));
  });

  it("splits a batch past maxWeight, and never leaves a request heavier than the limit unwritten", async () => {
    const batches: number[][] = [];
    const batcher = createCoalescingBatcher<number>(
      async (items) => {
        batches.push([...items]);
      },
      { weight: (n) => n, maxWeight: 10 },
    );
    await Promise.all([4, 4, 4, 25, 1].map((n) => batcher.add(n)));
    expect(batches).toEqual([[4, 4], [4], [25], [1]]);
  });

  it("rejects every request of a failed batch with its error, and writes the next batch", async () => {
    let fail = true;
    const written: string[] = [];
    const batcher = createCoalescingBatcher<string>(
      async (items) => {
        if (fail) {
          fail = false;
          throw new Error("connection terminated");
        }
        written.push(...items);
      },
      { weight: () => 1, maxWeight: 100 },
    );
    const results = await Promise.allSettled([batcher.add("a"), batcher.add("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error("connection terminated"));
    await batcher.add("c");
    expect(written).toEqual(["c"]);
  });
});
