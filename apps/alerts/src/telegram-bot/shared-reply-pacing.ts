import type { RateDecision, RateLimit } from "@vpa/runtime";
import { type SendMarks, sendInWindow } from "../channels/send-in-window.ts";
import { telegramPacing } from "../channels/telegram/telegram-pacing.ts";

/** The part of runtime's RedisRateLimiter the bot's replies use. */
export interface ReplyRateLimiter extends Required<SendMarks> {
  tryAcquire(limits: readonly RateLimit[], pause: string | null): Promise<RateDecision>;
  pause(pause: string, ms: number): Promise<void>;
}

/** A booking of one reply: booked (`waitMs` 0), or not, and how long to wait before trying again. */
export interface ReplySlot {
  /** 0: booked now; otherwise nothing was booked and this is the wait in ms. */
  readonly waitMs: number;
  /**
   * Runs the booked reply's request (call it right before the request), with its departure and
   * its answer marked in the limiter's windows (bot 30 in any second, chat 1, group 20 a minute),
   * as the alerts' deliveries are after their claim: Telegram counts the reply's arrival.
   */
  send<T>(request: () => Promise<T>): Promise<T>;
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
const UNBOOKED = <T>(request: () => Promise<T>): Promise<T> => request();

export function createSharedReplyPacing(
  limiter: ReplyRateLimiter,
  onMarkError: (err: unknown) => void = NOTHING_TO_RECORD,
): ReplyPacing {
  return {
    async tryBook(chatId) {
      const decision = await limiter.tryAcquire(telegramPacing.limits(chatId), telegramPacing.pause);
      if (!decision.allowed) return { waitMs: Math.max(1, decision.waitMs), send: UNBOOKED };
      const booking = decision.booking;
      return { waitMs: 0, send: (request) => sendInWindow(limiter, booking, request, onMarkError) };
    },
    async pauseBot(ms) {
      if (telegramPacing.pause !== null) await limiter.pause(telegramPacing.pause, ms);
    },
  };
}
