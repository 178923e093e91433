import type { RateBooking, RateDecision, RateLimit } from "@vpa/runtime";
import { telegramPacing } from "../channels/telegram/telegram-pacing.ts";

/** The part of runtime's RedisRateLimiter the bot's replies use. */
export interface ReplyRateLimiter {
  tryAcquire(limits: readonly RateLimit[], pause: string | null): Promise<RateDecision>;
  pause(pause: string, ms: number): Promise<void>;
  /** The booked send leaves now: its departure-counted windows count it from now. */
  departed(booking: RateBooking): Promise<void>;
}

/** A booking of one reply: booked (`waitMs` 0), or not, and how long to wait before trying again. */
export interface ReplySlot {
  /** 0: booked now; otherwise nothing was booked and this is the wait in ms. */
  readonly waitMs: number;
  /**
   * The booked reply leaves now (call it right before the request): the limiter's
   * departure-counted windows (bot 30 in 1,050 ms, chat 1 in 1.05 s, group 20 in 61 s) count it
   * from now, as the alerts' deliveries do after their claim. Never throws, never waits.
   */
  departed(): void;
}

/**
 * How the bot's replies are paced: through the same Redis limiter and the same Telegram limits as
 * the alerts (channels/telegram/telegram-pacing.ts), so replies and alerts share the bot-wide ~30
 * messages a second, each chat's one a second and each group's 20 a minute, in every process.
 */
export interface ReplyPacing {
  /** Books one message to `chatId` now, or books nothing and says how long to wait. */
  tryBook(chatId: string): Promise<ReplySlot>;
  /** Telegram answered 429: every message of the bot (replies and alerts) waits `ms`. */
  pauseBot(ms: number): Promise<void>;
}

const NOTHING_TO_RECORD = () => {};

export function createSharedReplyPacing(
  limiter: ReplyRateLimiter,
  onDepartureError: (err: unknown) => void = NOTHING_TO_RECORD,
): ReplyPacing {
  return {
    async tryBook(chatId) {
      const decision = await limiter.tryAcquire(telegramPacing.limits(chatId), telegramPacing.pause);
      if (!decision.allowed) return { waitMs: Math.max(1, decision.waitMs), departed: NOTHING_TO_RECORD };
      const booking = decision.booking;
      return {
        waitMs: 0,
        // Not awaited, as in deliver.job.ts: the request must not wait for Redis; a failure only
        // loses the update (the window then counts the send from its booking).
        departed:
          booking === undefined
            ? NOTHING_TO_RECORD
            : () => void limiter.departed(booking).catch(onDepartureError),
      };
    },
    async pauseBot(ms) {
      if (telegramPacing.pause !== null) await limiter.pause(telegramPacing.pause, ms);
    },
  };
}
