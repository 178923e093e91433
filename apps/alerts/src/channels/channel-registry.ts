import type { ChannelDefinition } from "./channel-definition.ts";
import type { ChannelPacing, PacingOptions } from "./channel-pacing.ts";
import { consoleChannel } from "./console/console-channel.ts";
import { emailChannel } from "./email/email-channel.ts";
import { telegramChannel } from "./telegram/telegram-channel.ts";
import { webhookChannel } from "./webhook/webhook-channel.ts";

/**
 * Every alert channel, in the order `vpa subscribe --help` lists them. The one list everything
 * reads: the CLI's recipient options and synopsis, the address check of `vpa subscribe` and
 * `vpa unsubscribe` (recipient-option.ts), the worker's senders (create-senders.ts), the pacing of
 * each send and the delivery job's channel check. A new channel is one folder `channels/<name>/`
 * whose `<name>-channel.ts` exports a {@link ChannelDefinition}, and one line here;
 * channel-registry.test.ts holds every entry to the contract (and shows a channel added that way).
 *
 * This module is light on purpose (no provider library is loaded before `createSender`): the CLI
 * imports it on every run (`@vpa/alerts/channel-registry`).
 */
export const CHANNEL_REGISTRY = [telegramChannel, emailChannel, webhookChannel, consoleChannel] as const;

/** A list of channel definitions: the registry, or the registry plus one a test adds. */
export type ChannelList = readonly ChannelDefinition[];

/** Every channel name the alerts deliver on. */
export type Channel = (typeof CHANNEL_REGISTRY)[number]["name"];

/** The names of the registered channels, in registry order. */
export const CHANNELS: readonly Channel[] = CHANNEL_REGISTRY.map((channel) => channel.name);

/** Whether a stored or typed name is a registered channel. */
export function isChannel(name: string, channels: ChannelList = CHANNEL_REGISTRY): name is Channel {
  return channels.some((channel) => channel.name === name);
}

/** The definition of a channel name, or undefined for a name no channel has. */
export function findChannel(
  name: string,
  channels: ChannelList = CHANNEL_REGISTRY,
): ChannelDefinition | undefined {
  return channels.find((channel) => channel.name === name);
}

/** The limits of one channel (none for a name the list lacks: nothing to pace). */
export function channelPacing(
  name: string,
  options: PacingOptions,
  channels: ChannelList = CHANNEL_REGISTRY,
): ChannelPacing {
  return findChannel(name, channels)?.pacing(options) ?? { limits: () => [], pause: null };
}

/** `--telegram ID | --email ADDR | …`: how the recipient options combine, for synopses. */
export function recipientSynopsis(channels: ChannelList = CHANNEL_REGISTRY): string {
  return channels.map((channel) => `--${channel.name} ${channel.subscribeOption.value}`).join(" | ");
}

/** The recipient options of `vpa subscribe` / `vpa unsubscribe`, as the CLI's command registry declares options. */
export function recipientOptions<const List extends ChannelList>(
  channels: List,
): { readonly [Name in List[number]["name"]]: RecipientOptionSpec } {
  return Object.fromEntries(
    channels.map((channel) => [
      channel.name,
      {
        type: "string",
        value: channel.subscribeOption.value,
        description: channel.subscribeOption.description,
      },
    ]),
  ) as { readonly [Name in List[number]["name"]]: RecipientOptionSpec };
}

/** One recipient option in the CLI's option format (a string value with its placeholder). */
export interface RecipientOptionSpec {
  readonly type: "string";
  readonly value: string;
  readonly description: string;
}
