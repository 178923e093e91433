import { CHANNEL_REGISTRY, type ChannelList } from "./channel-registry.ts";

/** The one recipient a `vpa subscribe` / `vpa unsubscribe` command line names, or what is wrong with it. */
export type RecipientChoice =
  | { readonly channel: string; readonly address: string }
  | { readonly problem: string };

/**
 * Reads `--<channel> ADDRESS` from parsed options: exactly one channel's option, with an address
 * that channel accepts. The problem is a sentence for the user, after `<command>: `.
 *
 * @example
 * parseRecipientOption({ telegram: "12345" }); // { channel: "telegram", address: "12345" }
 * parseRecipientOption({ email: "x" }); // { problem: '--email takes an address like trader@example.com (got "x")' }
 */
export function parseRecipientOption(
  values: Readonly<Record<string, unknown>>,
  channels: ChannelList = CHANNEL_REGISTRY,
): RecipientChoice {
  const given = channels.filter((channel) => typeof values[channel.name] === "string");
  const [channel] = given;
  if (given.length !== 1 || channel === undefined) {
    const names = channels.map((c) => `--${c.name}`);
    return { problem: `give exactly one of ${names.slice(0, -1).join(", ")} or ${names.at(-1)}` };
  }
  const text = (values[channel.name] as string).trim();
  const parsed = channel.parseAddress(text);
  if ("expected" in parsed)
    return { problem: `--${channel.name} takes ${parsed.expected} (got ${JSON.stringify(text)})` };
  return { channel: channel.name, address: parsed.address };
}
