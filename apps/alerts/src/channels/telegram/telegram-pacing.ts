import type { RateLimit } from "@vpa/runtime";
import type { ChannelPacing } from "../channel-pacing.ts";

/**
 * Telegram's limits (core.telegram.org/bots/faq#my-bot-is-hitting-limits): about 30 messages a
 * second per bot, one a second per chat, 20 a minute per group. A 429 pauses the whole bot.
 *
 * Each limit is a window counted the way Telegram counts (arrivals), 1 ms wider for the clocks'
 * millisecond rounding: at most 30 sends in any 1,001 ms per bot, one per chat, 20 in any 60,001
 * ms per group. A send counts from the latest moment it can have arrived: booked, from its
 * booking; once it left (after its claim, right before its request) as arriving any moment; once
 * Telegram answered, from the answer (runtime's RedisRateLimiter). So a send that left late, or
 * took long to arrive, holds back the ones after it instead of arriving bunched with them, and the
 * windows need no margin for the trip. They had one before (counted from departure, 1,050 ms,
 * 28.6/s): 5 % of the rate (bench/alerts 94.7 % of 30/s), and still 1–2 × 429 in 4 minutes when
 * two workers' requests were delayed past it on a saturated machine.
 *
 * The even spacing beneath (GCRA) is the limit's own rate, 30 a second: it spreads the bulk
 * through each second instead of in clumps of 30 at each refill of the window.
 *
 * An urgent send (a HIGH alert, a live provisional alert) may run up to a whole window ahead of
 * the spacing (a tolerance of 29 intervals): Telegram counts messages per second, not their gaps
 * (python-telegram-bot's AIORateLimiter is a bucket of 30 a second too), and strict spacing held
 * the 16th HIGH alert of one bar close ~525 ms behind the first while the bot had sent nothing for
 * a minute (bench/live). Bulk sends (digests, MEDIUM and LOW alerts) keep the even spacing with
 * 10 ms of tolerance: bursting them too made the window the only pace under a backlog, and it
 * refills a whole window at once, so sends went in clumps of up to 30. The tolerance makes up for
 * a late send's lost time: senders poll for the next slot and each comes a few ms late (its timer,
 * the Redis round trip); without it that lateness was lost from every slot. An urgent burst moves
 * the spacing's clock ahead by as much, so the bulk after it waits its turn.
 *
 * The bot's command replies are booked under the same `telegram:bot` key, so replies and alerts
 * share the bot-wide budget.
 */
export const TELEGRAM_BOT_INTERVAL_MS = 1_000 / 30;
export const TELEGRAM_PRIVATE_CHAT_INTERVAL_MS = 1_000;
export const TELEGRAM_GROUP_CHAT_INTERVAL_MS = 3_000;
/** Sends in any `ms`, counted as Telegram counts them (see above): 30 a second, 1 ms wider. */
export const TELEGRAM_BOT_WINDOW = { count: 30, ms: 1_001 } as const;
/** How early a bulk send may take its bot-wide slot, to make up for a late one before it. */
export const TELEGRAM_BOT_TOLERANCE_MS = 10;
/** How far ahead of the spacing an urgent send may go: a whole window's 30 at once after a quiet spell. */
export const TELEGRAM_BOT_URGENT_TOLERANCE_MS = (TELEGRAM_BOT_WINDOW.count - 1) * TELEGRAM_BOT_INTERVAL_MS;
/** The limiter key every message of the bot is booked under (alerts and command replies). */
export const TELEGRAM_BOT_LIMIT_KEY = "telegram:bot";

/**
 * The limiter key and spacing of one chat: group and channel ids are negative (supergroups -100…).
 * Like the bot-wide limit, a chat's counts each send as Telegram does (a window of one send a
 * second for a private chat, 20 a minute for a group), so a send that arrived late holds the
 * chat's next one back by as much.
 */
export function telegramChatLimit(chatId: string): RateLimit {
  const group = chatId.startsWith("-");
  const intervalMs = group ? TELEGRAM_GROUP_CHAT_INTERVAL_MS : TELEGRAM_PRIVATE_CHAT_INTERVAL_MS;
  return {
    key: `telegram:chat:${chatId}`,
    intervalMs,
    window: group ? { count: 20, ms: 60_001 } : { count: 1, ms: intervalMs + 1 },
  };
}

export const telegramPacing: ChannelPacing = {
  limits: (address, urgent = false) => [
    {
      key: TELEGRAM_BOT_LIMIT_KEY,
      intervalMs: TELEGRAM_BOT_INTERVAL_MS,
      toleranceMs: urgent ? TELEGRAM_BOT_URGENT_TOLERANCE_MS : TELEGRAM_BOT_TOLERANCE_MS,
      window: TELEGRAM_BOT_WINDOW,
    },
    telegramChatLimit(address),
  ],
  pause: "telegram",
};
