import type { Config } from "@vpa/runtime";
import type { ChannelSender } from "./channel.ts";
import type { ChannelPacing, PacingOptions } from "./channel-pacing.ts";

/**
 * Everything about one alert channel, in its own folder `channels/<name>/`: the `vpa subscribe`
 * option that names a recipient, how an address is checked, which settings the channel needs, its
 * provider's limits and how its sender is made. `CHANNEL_REGISTRY` (channel-registry.ts) lists
 * them; the CLI's options and help, the subscribe check, the worker's senders, the pacing and the
 * delivery job all read that list, so a new channel is one folder and one line there
 * (channel-registry.test.ts walks the list and holds every entry to this contract).
 *
 * A definition module stays light (no provider library at import): the CLI reads it on every
 * `vpa` run for its options, and only the alerts worker loads a sender, through `createSender`.
 *
 * Storage: the subscribers table's check constraint lists the channels it accepts, so a channel
 * that is to be stored also needs a migration adding its name there.
 */
export interface ChannelDefinition<Name extends string = string> {
  /** The channel's name: the `--<name>` option of `vpa subscribe`, the stored `channel`. */
  readonly name: Name;
  /** `vpa subscribe --<name> VALUE`: the placeholder and the help line (README Command line table). */
  readonly subscribeOption: {
    readonly value: string;
    readonly description: string;
    /** An address the channel accepts, for tests and docs. */
    readonly example: string;
  };
  /**
   * The address to store for what the user typed (trimmed), or what the option takes, in words, as
   * `vpa subscribe` says it back ("a numeric chat id").
   */
  parseAddress(text: string): { readonly address: string } | { readonly expected: string };
  /** The environment variables the channel reads (validated with the rest in runtime's config.ts). */
  readonly settings: readonly string[];
  /** The variable this configuration lacks to deliver on the channel, or null when it can. */
  missingSetting(config: Config): string | null;
  /** The provider's limits every send on the channel is booked against (the shared Redis limiter). */
  pacing(options: PacingOptions): ChannelPacing;
  /** The channel's sender, one per process; loaded on demand so the CLI never loads a provider's library. */
  createSender(config: Config, context: SenderContext): Promise<ChannelSender>;
}

/** What a sender may need from the process beyond the configuration. */
export interface SenderContext {
  /** Where the console channel prints (stdout in the worker, an array in tests). */
  readonly writeConsole: (line: string) => void;
}
