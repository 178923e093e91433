import { setQuietHours, subscribe, updateSubscriberSettings } from "@vpa/db";
import { RedisRateLimiter } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { DID_NOT_HOLD_EVENT } from "../../../../test-support/provisional-events.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { createConsoleSender } from "../channels/console/console-sender.ts";
import { telegramPacing } from "../channels/telegram/telegram-pacing.ts";
import { deliverProvisionalEvent } from "./deliver-provisional-event.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const followUp = DID_NOT_HOLD_EVENT;

describe("deliverProvisionalEvent", () => {
  it("reaches live subscribers only, in their language, and skips those in quiet hours", async () => {
    await subscribe(database.db, { channel: "console", address: "day-trader" });
    await subscribe(database.db, { channel: "console", address: "investor" });
    await subscribe(database.db, { channel: "console", address: "asleep" });
    await updateSubscriberSettings(database.db, "console", "day-trader", { live: true, language: "en" });
    await updateSubscriberSettings(database.db, "console", "asleep", { live: true });
    await setQuietHours(database.db, "console", "asleep", { start: 9 * 60, end: 11 * 60 });
    const lines: string[] = [];
    const result = await deliverProvisionalEvent(
      {
        db: database.db,
        senders: new Map([["console", createConsoleSender((line) => lines.push(line))]]),
        defaultLanguage: "vi",
        now: () => Date.parse("2023-11-20T10:08:00+07:00"),
        onSendError: (error) => {
          throw error;
        },
      },
      followUp,
    );
    expect(result).toEqual({ sent: 1, skipped: 1, failed: 0 });
    expect(lines).toEqual([
      "[alert → day-trader #1] VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): the provisional Effort to rise did not hold.",
    ]);
  });

  it("takes a slot of the shared rate limiter per send, and drops what has none soon enough", async () => {
    const connection = testQueueConnection();
    const limiter = new RedisRateLimiter(connection);
    try {
      const lines: string[] = [];
      // One message per 60 s per address: the second provisional alert to the same chat has no slot.
      const pacing = {
        limiter,
        of: () => ({
          limits: (address: string) => [{ key: `test:chat:${address}`, intervalMs: 60_000 }],
          pause: null,
        }),
      };
      const deps = {
        db: database.db,
        senders: new Map([["console", createConsoleSender((line) => lines.push(line))]]),
        defaultLanguage: "en" as const,
        now: () => Date.parse("2023-11-20T10:08:00+07:00"),
        onSendError: (error: unknown) => {
          throw error;
        },
        pacing,
      };
      expect(await deliverProvisionalEvent(deps, followUp)).toEqual({ sent: 1, skipped: 1, failed: 0 });
      expect(await deliverProvisionalEvent(deps, { ...followUp, kind: "held" })).toEqual({
        sent: 0,
        skipped: 2,
        failed: 0,
      });
      expect(lines).toHaveLength(1);
    } finally {
      await limiter.close();
      await removeQueuePrefix(connection);
    }
  });

  it("reports each send's departure to the limiter: a send that left late holds its chat's window from then", async () => {
    const connection = testQueueConnection();
    const limiter = new RedisRateLimiter(connection);
    try {
      // A busy event loop between the booking and the request (the stream's, as a whole market's
      // bars close): the send leaves 400 ms after its slot.
      let bookedAt = 0;
      const lateLimiter = {
        tryAcquire: async (...args: Parameters<RedisRateLimiter["tryAcquire"]>) => {
          const decision = await limiter.tryAcquire(...args);
          if (!decision.allowed) return decision;
          bookedAt = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 400));
          return decision;
        },
        pause: limiter.pause.bind(limiter),
        departed: limiter.departed.bind(limiter),
        answered: limiter.answered.bind(limiter),
      };
      const lines: string[] = [];
      const result = await deliverProvisionalEvent(
        {
          db: database.db,
          senders: new Map([["console", createConsoleSender((line) => lines.push(line))]]),
          defaultLanguage: "en",
          now: () => Date.parse("2023-11-20T10:08:00+07:00"),
          onSendError: (error) => {
            throw error;
          },
          pacing: { limiter: lateLimiter, of: () => telegramPacing },
        },
        followUp,
      );
      // The day trader; the live subscriber in quiet hours is skipped before any slot.
      expect(result).toEqual({ sent: 1, skipped: 1, failed: 0 });
      // 1,100 ms after the booking the chat's spacing (1,050 ms from the booking) has passed, but
      // Telegram counted the message on arrival: the chat's window (1 in 1,050 ms from departure)
      // holds the next send until ~1,050 ms after this one left. Without the departure it went now.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, bookedAt + 1_100 - Date.now())));
      const next = await limiter.tryAcquire(telegramPacing.limits("day-trader", true), telegramPacing.pause);
      expect(next).toMatchObject({ allowed: false, heldBy: "telegram:chat:day-trader" });
      expect((next as { waitMs: number }).waitMs).toBeGreaterThan(150);
    } finally {
      await limiter.close();
      await removeQueuePrefix(connection);
    }
  });

  it("lets a provisional alert and a 'did not hold' spend the bot's burst, and paces a 'held' as bulk", async () => {
    // The closed bar's own alert carries a "held": its line must not take the burst from the HIGH
    // alerts of the same close (docs/delivery.md, "Urgent sends burst").
    const urgency: boolean[] = [];
    const deps = {
      db: database.db,
      senders: new Map([["console", createConsoleSender(() => {})]]),
      defaultLanguage: "en" as const,
      now: () => Date.parse("2023-11-20T10:08:00+07:00"),
      onSendError: (error: unknown) => {
        throw error;
      },
      pacing: {
        limiter: { tryAcquire: async () => ({ allowed: true as const }), pause: async () => {} },
        of: () => ({
          limits: (_address: string, urgent = false) => {
            urgency.push(urgent);
            return [];
          },
          pause: "test",
        }),
      },
    };
    await deliverProvisionalEvent(deps, followUp);
    await deliverProvisionalEvent(deps, { ...followUp, kind: "held" });
    // One live recipient out of quiet hours (the day trader) per event.
    expect(urgency).toEqual([true, false]);
  });
});
