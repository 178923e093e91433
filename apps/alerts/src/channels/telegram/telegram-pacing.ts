import type { ChannelPacing } from "../channel-pacing.ts";

/**
 * Telegram's limits (core.telegram.org/bots/faq#my-bot-is-hitting-limits): about 30 messages a
 * second per bot, one a second per chat, 20 a minute per group. Each is spaced a little wider than
 * the limit (35 ms = 28.6/s, 1.05 s, 3.05 s) because Telegram counts arrivals and we can only space
 * departures: a send delayed by a busy event loop or a slow claim arrives bunched with the next
 * (measured: with 34 ms, 1 request in 2,000 was answered 429 on a loaded machine). A 429 pauses
 * the whole bot.
 *
 * The bot's command replies are booked under the same `telegram:bot` key, so replies and alerts
 * share the bot-wide budget.
 */
export const TELEGRAM_BOT_INTERVAL_MS = 35;
export const TELEGRAM_PRIVATE_CHAT_INTERVAL_MS = 1_050;
export const TELEGRAM_GROUP_CHAT_INTERVAL_MS = 3_050;
/** The limiter key every message of the bot is booked under (alerts and command replies). */
export const TELEGRAM_BOT_LIMIT_KEY = "telegram:bot";

/** The limiter key and spacing of one chat: group and channel ids are negative (supergroups -100…). */
export function telegramChatLimit(chatId: string): { key: string; intervalMs: number } {
  return {
    key: `telegram:chat:${chatId}`,
    intervalMs: chatId.startsWith("-") ? TELEGRAM_GROUP_CHAT_INTERVAL_MS : TELEGRAM_PRIVATE_CHAT_INTERVAL_MS,
  };
}

export const telegramPacing: ChannelPacing = {
  limits: (address) => [
    { key: TELEGRAM_BOT_LIMIT_KEY, intervalMs: TELEGRAM_BOT_INTERVAL_MS },
    telegramChatLimit(address),
  ],
  pause: "telegram",
};
