import type { Config } from "@vpa/runtime";
import {
  type Channel,
  type ChannelSender,
  createConsoleSender,
  createEmailSender,
  createTelegramSender,
  createWebhookSender,
} from "./channels/index.ts";

/**
 * The channels this process can deliver on, from the configuration: console and webhooks always,
 * Telegram when TELEGRAM_BOT_TOKEN is set, email when SMTP_URL is set.
 */
export function createSenders(
  config: Config,
  writeConsole: (line: string) => void,
): Map<Channel, ChannelSender> {
  const senders = new Map<Channel, ChannelSender>();
  senders.set("console", createConsoleSender(writeConsole));
  senders.set("webhook", createWebhookSender({ signingSecret: config.webhookSigningSecret }));
  if (config.telegram.botToken !== null) {
    senders.set(
      "telegram",
      createTelegramSender({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot }),
    );
  }
  if (config.smtpUrl !== null) {
    senders.set("email", createEmailSender({ smtpUrl: config.smtpUrl, from: config.alerts.emailFrom }));
  }
  return senders;
}

export async function closeSenders(senders: ReadonlyMap<Channel, ChannelSender>): Promise<void> {
  await Promise.allSettled([...senders.values()].map((sender) => sender.close()));
}
