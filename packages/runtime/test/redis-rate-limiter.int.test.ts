import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { RedisRateLimiter } from "../src/redis-rate-limiter.ts";

const connection = testQueueConnection();
const { redisUrl, prefix } = connection;
const limiters: RedisRateLimiter[] = [];
function limiter(): RedisRateLimiter {
  const created = new RedisRateLimiter({ redisUrl, prefix });
  limiters.push(created);
  return created;
}

afterAll(async () => {
  for (const created of limiters) await created.close();
  await removeQueuePrefix(connection);
});

/** Acquires until allowed, sleeping the wait it is told; returns the local time it was allowed. */
async function acquireWhenAllowed(
  rateLimiter: RedisRateLimiter,
  limits: Parameters<RedisRateLimiter["tryAcquire"]>[0],
  pause: string | null = null,
): Promise<number> {
  for (;;) {
    const decision = await rateLimiter.tryAcquire(limits, pause);
    if (decision.allowed) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
  }
}

describe("Redis rate limiter (GCRA)", () => {
  it("spaces sends through one limit across several processes", async () => {
    const bot = { key: "t1:bot", intervalMs: 50 };
    const [a, b, c] = [limiter(), limiter(), limiter()];
    const times = (
      await Promise.all(
        [a, b, c].map(async (one) => {
          const mine: number[] = [];
          for (let i = 0; i < 8; i++) mine.push(await acquireWhenAllowed(one, [bot]));
          return mine;
        }),
      )
    )
      .flat()
      .sort((x, y) => x - y);
    expect(times).toHaveLength(24);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // Redis books strictly 50 ms apart; the clients see it within a few ms of scheduling noise.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(23 * 50 - 20);
  });

  it("books the bot and the chat together or not at all: a busy chat costs no bot slot", async () => {
    const one = limiter();
    const bot = { key: "t2:bot", intervalMs: 1_000 };
    const chat = (id: string) => ({ key: `t2:chat:${id}`, intervalMs: 5_000 });
    expect((await one.tryAcquire([bot, chat("1")], null)).allowed).toBe(true);
    const busy = await one.tryAcquire([bot, chat("1")], null);
    expect(busy).toMatchObject({ allowed: false, heldBy: "t2:chat:1" });
    expect(busy.allowed ? 0 : busy.waitMs).toBeGreaterThan(4_000);
    // The refused send booked nothing: the bot's next slot is the one after the first send.
    const other = await one.tryAcquire([bot, chat("2")], null);
    expect(other).toMatchObject({ allowed: false, heldBy: "t2:bot" });
    expect(other.allowed ? 0 : other.waitMs).toBeLessThanOrEqual(1_000);
  });

  it("holds every process behind a provider's pause, and a shorter pause never shortens it", async () => {
    const [a, b] = [limiter(), limiter()];
    const bot = { key: "t3:bot", intervalMs: 1 };
    await a.pause("t3", 800);
    await b.pause("t3", 100);
    const held = await b.tryAcquire([bot], "t3");
    expect(held).toMatchObject({ allowed: false, heldBy: "pause" });
    expect(held.allowed ? 0 : held.waitMs).toBeGreaterThan(600);
    // A send that does not obey this pause is not held by it.
    expect((await b.tryAcquire([{ key: "t3:other", intervalMs: 1 }], "email")).allowed).toBe(true);
    const started = Date.now();
    await acquireWhenAllowed(a, [bot], "t3");
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it("keeps a group chat to 20 messages in any minute (scaled: 20 per 600 ms)", async () => {
    const one = limiter();
    const group = { key: "t4:chat:-100", intervalMs: 30 };
    const times: number[] = [];
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) times.push(await acquireWhenAllowed(one, [group]));
    for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(590);
  });

  it("keeps a window counted as the receiver counts arrivals: a send in flight holds it until answered", async () => {
    const bot = { key: "t6:bot", intervalMs: 0, window: { count: 3, ms: 400 } };
    const one = limiter();
    const bookings = [];
    for (let i = 0; i < 3; i++) {
      const decision = await one.tryAcquire([bot], null);
      expect(decision.allowed).toBe(true);
      bookings.push(decision.allowed ? decision.booking! : undefined!);
    }
    const fourth = await one.tryAcquire([bot], null);
    // Three booked now: the fourth waits for the first to leave the window, about 400 ms.
    expect(fourth).toMatchObject({ allowed: false, heldBy: "t6:bot" });
    expect((fourth as { waitMs: number }).waitMs).toBeGreaterThan(300);
    // The three leave 200 ms after their booking (a slow claim) and their requests take 400 ms:
    // past their booking's window, but they may arrive any moment, so the fourth is still held,
    // and told to ask again soon (their answers will free it), not to wait out the in-flight hold.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const booking of bookings) await one.departed(booking);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const inFlight = await one.tryAcquire([bot], null);
    expect(inFlight).toMatchObject({ allowed: false, heldBy: "t6:bot" });
    expect((inFlight as { waitMs: number }).waitMs).toBeLessThan(100);
    // Answered now: they count from now, so the next send waits a whole window again.
    for (const booking of bookings) await one.answered(booking);
    const answered = await one.tryAcquire([bot], null);
    expect(answered).toMatchObject({ allowed: false, heldBy: "t6:bot" });
    expect((answered as { waitMs: number }).waitMs).toBeGreaterThan(300);
    const started = Date.now();
    await acquireWhenAllowed(one, [bot]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    // A limit with no window books no departure to report.
    const plain = await one.tryAcquire([{ key: "t6:plain", intervalMs: 10 }], null);
    expect(plain).toEqual({ allowed: true });
  });

  it("frees a window as soon as a fast send is answered: no margin for the trip", async () => {
    const bot = { key: "t7:bot", intervalMs: 0, window: { count: 2, ms: 300 } };
    const one = limiter();
    const first = await one.tryAcquire([bot], null);
    const second = await one.tryAcquire([bot], null);
    expect(first.allowed && second.allowed).toBe(true);
    for (const decision of [first, second]) {
      if (!decision.allowed || decision.booking === undefined) throw new Error("expected a booking");
      await one.departed(decision.booking);
      await one.answered(decision.booking);
    }
    // Answered at once: the third may go a window after the answers, not a window plus a margin.
    const started = Date.now();
    await acquireWhenAllowed(one, [bot]);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(340);
  });
});
