import type { RateLimit } from "@vpa/runtime";
import type { ChannelPacing } from "../channel-pacing.ts";

/**
 * Telegram's limits (core.telegram.org/bots/faq#my-bot-is-hitting-limits): about 30 messages a
 * second per bot, one a second per chat, 20 a minute per group. Each is spaced a little wider than
 * the limit (35 ms = 28.6/s, 1.05 s, 3.05 s) because Telegram counts arrivals and we can only space
 * departures: a send delayed by a busy event loop or a slow claim arrives bunched with the next
 * (measured: with 34 ms, 1 request in 2,000 was answered 429 on a loaded machine). A 429 pauses
 * the whole bot.
 *
 * The bot-wide limit is a window: at most 30 sends in any 1,050 ms, counted from when each
 * actually left (after its claim, right before its request), 28.6/s at most. Spacing from the
 * booking alone let a send that left 50 ms late arrive within one second of the 30th after it: a
 * 429 that pauses the whole bot. With the window, the sends after a late one wait for it, and only
 * the request's own trip (departure to arrival) must stay within the 50 ms.
 *
 * An urgent send (a HIGH alert, a live provisional alert) may run up to a whole window ahead of
 * the spacing (a tolerance of 29 × 35 ms): Telegram counts messages per second, not their gaps
 * (python-telegram-bot's AIORateLimiter is a bucket of 30 a second too), and strict 35 ms spacing
 * held the 16th HIGH alert of one bar close ~525 ms behind the first while the bot had sent
 * nothing for a minute (bench/live). Bulk sends (digests, MEDIUM and LOW alerts) keep the even
 * spacing with 10 ms of tolerance: bursting them too made the window the only pace under a
 * backlog, and it refills a whole window at once, so sends went in clumps of up to 30 whose
 * requests queued at the receiver past the 50 ms margin (4 × 429 in a 2,000-chat run where the
 * spacing had at most 2). The tolerance makes up for a late send's lost time: senders poll for the
 * next slot and each comes a few ms late (its timer, the Redis round trip); without it that
 * lateness was lost from every slot (24.6 msg/s of 28.6). An urgent burst moves the spacing's
 * clock ahead by as much, so the bulk after it waits its turn: the average stays 28.6/s.
 *
 * The bot's command replies are booked under the same `telegram:bot` key, so replies and alerts
 * share the bot-wide budget.
 */
export const TELEGRAM_BOT_INTERVAL_MS = 35;
export const TELEGRAM_PRIVATE_CHAT_INTERVAL_MS = 1_050;
export const TELEGRAM_GROUP_CHAT_INTERVAL_MS = 3_050;
/** Sends in any `ms`, counted from their departure: Telegram's 30 a second, 50 ms wider. */
export const TELEGRAM_BOT_WINDOW = { count: 30, ms: 1_050 } as const;
/** How early a bulk send may take its bot-wide slot, to make up for a late one before it. */
export const TELEGRAM_BOT_TOLERANCE_MS = 10;
/** How far ahead of the spacing an urgent send may go: a whole window's 30 at once after a quiet spell. */
export const TELEGRAM_BOT_URGENT_TOLERANCE_MS = (TELEGRAM_BOT_WINDOW.count - 1) * TELEGRAM_BOT_INTERVAL_MS;
/** The limiter key every message of the bot is booked under (alerts and command replies). */
export const TELEGRAM_BOT_LIMIT_KEY = "telegram:bot";

/**
 * The limiter key and spacing of one chat: group and channel ids are negative (supergroups -100…).
 * Like the bot-wide limit, a chat's also counts from each send's departure (a window of one send
 * per spacing): a send that left late holds the chat's next one back by as much, where spacing
 * from the booking alone left 50 ms for the claim and the event loop (1.05 s against 1 s).
 */
export function telegramChatLimit(chatId: string): RateLimit {
  const group = chatId.startsWith("-");
  const intervalMs = group ? TELEGRAM_GROUP_CHAT_INTERVAL_MS : TELEGRAM_PRIVATE_CHAT_INTERVAL_MS;
  return {
    key: `telegram:chat:${chatId}`,
    intervalMs,
    // A group: 20 in any minute, 1 s wider (its spacing alone already keeps 20 over 61 s).
    window: group ? { count: 20, ms: 61_000 } : { count: 1, ms: intervalMs },
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
