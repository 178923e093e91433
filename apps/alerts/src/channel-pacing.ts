import type { RateLimit } from "@vpa/runtime";
import type { Channel } from "./channels/channel.ts";

/**
 * The providers' limits, as the shared Redis rate limiter books them for every send (one limiter
 * for all alert workers: runtime's redis-rate-limiter.ts).
 *
 * Telegram (core.telegram.org/bots/faq#my-bot-is-hitting-limits): about 30 messages a second per
 * bot, one a second per chat, 20 a minute per group. Each is spaced a little wider than the limit
 * (35 ms = 28.6/s, 1.05 s, 3.05 s) because Telegram counts arrivals and we can only space
 * departures: a send delayed by a busy event loop or a slow claim arrives bunched with the next
 * (measured: with 34 ms, 1 request in 2,000 was answered 429 on a loaded machine). A 429 pauses
 * the whole bot.
 */
export interface ChannelPacing {
  /** The limits one send to this address is subject to. */
  limits(address: string): RateLimit[];
  /** The pause a provider's 429 sets for every send on this channel, or null. */
  readonly pause: string | null;
}

export const TELEGRAM_BOT_INTERVAL_MS = 35;
export const TELEGRAM_PRIVATE_CHAT_INTERVAL_MS = 1_050;
export const TELEGRAM_GROUP_CHAT_INTERVAL_MS = 3_050;

export interface PacingOptions {
  /** Emails a second to the SMTP server (EMAIL_MAX_PER_SECOND); 0: no limit. */
  readonly emailPerSecond: number;
}

const UNPACED: ChannelPacing = { limits: () => [], pause: null };

export function channelPacing(channel: Channel, options: PacingOptions): ChannelPacing {
  switch (channel) {
    case "telegram":
      return {
        limits: (address) => [
          { key: "telegram:bot", intervalMs: TELEGRAM_BOT_INTERVAL_MS },
          {
            key: `telegram:chat:${address}`,
            // Group and channel chat ids are negative (supergroups -100…).
            intervalMs: address.startsWith("-")
              ? TELEGRAM_GROUP_CHAT_INTERVAL_MS
              : TELEGRAM_PRIVATE_CHAT_INTERVAL_MS,
          },
        ],
        pause: "telegram",
      };
    case "email":
      return options.emailPerSecond > 0
        ? {
            limits: () => [{ key: "email:server", intervalMs: 1_000 / options.emailPerSecond }],
            pause: "email",
          }
        : { limits: () => [], pause: "email" };
    case "webhook":
    case "console":
      return UNPACED;
  }
}
