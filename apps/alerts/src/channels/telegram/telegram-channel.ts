import type { ChannelDefinition } from "../channel-definition.ts";
import { telegramPacing } from "./telegram-pacing.ts";

const CHAT_ID = /^-?\d{1,20}$/;

/** Telegram: alerts to a chat (a person, a group, a channel) through the bot of TELEGRAM_BOT_TOKEN. */
export const telegramChannel = {
  name: "telegram",
  subscribeOption: {
    value: "ID",
    example: "-1001234567890",
    description: "a Telegram chat id; a group's is negative (--telegram -1001234567890)",
  },
  parseAddress: (text) => (CHAT_ID.test(text) ? { address: text } : { expected: "a numeric chat id" }),
  settings: ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_ROOT"],
  missingSetting: (config) => (config.telegram.botToken === null ? "TELEGRAM_BOT_TOKEN" : null),
  pacing: () => telegramPacing,
  async createSender(config) {
    const { createTelegramSender } = await import("./telegram-sender.ts");
    return createTelegramSender({ token: config.telegram.botToken ?? "", apiRoot: config.telegram.apiRoot });
  },
} as const satisfies ChannelDefinition<"telegram">;
