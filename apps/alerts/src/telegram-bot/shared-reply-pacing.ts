import type { RateDecision, RateLimit } from "@vpa/runtime";
import { telegramPacing } from "../channels/telegram/telegram-pacing.ts";

/** The part of runtime's RedisRateLimiter the bot's replies use. */
export interface ReplyRateLimiter {
  tryAcquire(limits: readonly RateLimit[], pause: string | null): Promise<RateDecision>;
  pause(pause: string, ms: number): Promise<void>;
}

/**
 * How the bot's replies are paced: through the same Redis limiter and the same Telegram limits as
 * the alerts (channels/telegram/telegram-pacing.ts), so replies and alerts share the bot-wide ~30
 * messages a second, each chat's one a second and each group's 20 a minute, in every process.
 */
export interface ReplyPacing {
  /** Books one message to `chatId` now and returns 0, or books nothing and returns the wait in ms. */
  tryBook(chatId: string): Promise<number>;
  /** Telegram answered 429: every message of the bot (replies and alerts) waits `ms`. */
  pauseBot(ms: number): Promise<void>;
}

export function createSharedReplyPacing(limiter: ReplyRateLimiter): ReplyPacing {
  return {
    async tryBook(chatId) {
      const decision = await limiter.tryAcquire(telegramPacing.limits(chatId), telegramPacing.pause);
      return decision.allowed ? 0 : Math.max(1, decision.waitMs);
    },
    async pauseBot(ms) {
      if (telegramPacing.pause !== null) await limiter.pause(telegramPacing.pause, ms);
    },
  };
}
