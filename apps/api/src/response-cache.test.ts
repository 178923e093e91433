import { describe, expect, it } from "vitest";
import { ResponseCache } from "./response-cache.ts";

describe("ResponseCache", () => {
  it("answers from one load until the time to live has passed, then loads again", async () => {
    let now = 0;
    let loads = 0;
    const cache = new ResponseCache({ ttlMs: 1_000, now: () => now });
    const load = async () => ({ body: `answer ${++loads}`, contentType: "application/json" });
    expect((await cache.get("/a", load)).body).toBe("answer 1");
    now = 999;
    expect((await cache.get("/a", load)).body).toBe("answer 1");
    expect((await cache.get("/b", load)).body).toBe("answer 2");
    now = 1_000;
    expect((await cache.get("/a", load)).body).toBe("answer 3");
  });

  it("shares one load between concurrent misses, and caches no failure", async () => {
    let loads = 0;
    let release: () => void = () => {};
    const cache = new ResponseCache({ ttlMs: 1_000 });
    const slow = () =>
      new Promise<{ body: string; contentType: string }>((resolve) => {
        loads += 1;
        release = () => resolve({ body: "shared", contentType: "text/plain" });
      });
    const both = Promise.all([cache.get("/a", slow), cache.get("/a", slow)]);
    release();
    expect((await both).map((answer) => answer.body)).toEqual(["shared", "shared"]);
    expect(loads).toBe(1);
    await expect(cache.get("/fails", () => Promise.reject(new Error("database away")))).rejects.toThrow(
      "database away",
    );
    expect((await cache.get("/fails", async () => ({ body: "back", contentType: "text/plain" }))).body).toBe(
      "back",
    );
  });
});
