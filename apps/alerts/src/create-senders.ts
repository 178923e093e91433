import type { Config } from "@vpa/runtime";
import type { ChannelSender } from "./channels/channel.ts";
import type { SenderContext } from "./channels/channel-definition.ts";
import { CHANNEL_REGISTRY, type ChannelList } from "./channels/channel-registry.ts";

/**
 * The channels this process can deliver on: every registered channel whose settings are present
 * (console and webhooks always, Telegram when TELEGRAM_BOT_TOKEN is set, email when SMTP_URL is
 * set). Each sender's library is loaded here, not before.
 */
export async function createSenders<const List extends ChannelList = typeof CHANNEL_REGISTRY>(
  config: Config,
  context: SenderContext,
  channels: List = CHANNEL_REGISTRY as unknown as List,
): Promise<Map<List[number]["name"], ChannelSender>> {
  const configured = channels.filter((channel) => channel.missingSetting(config) === null);
  const senders = await Promise.all(
    configured.map(async (channel) => [channel.name, await channel.createSender(config, context)] as const),
  );
  return new Map(senders);
}

export async function closeSenders(senders: ReadonlyMap<string, ChannelSender>): Promise<void> {
  await Promise.allSettled([...senders.values()].map((sender) => sender.close()));
}
