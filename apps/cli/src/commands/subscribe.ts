import { findChannel, parseQuietHours, parseRecipientOption } from "@vpa/alerts";
import { SIGNAL_TYPES } from "@vpa/core";
import {
  DIGEST_TOP_RANGE,
  SUBSCRIBER_LANGUAGES,
  type SubscriberChannel,
  type SubscriberLanguage,
  type SubscriberSettingsChange,
  setQuietHours,
  subscribe,
  unsubscribe,
  updateSubscriberSettings,
} from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";

/** The one `--<channel> ADDRESS` given (channels/recipient-option.ts in @vpa/alerts). */
function recipientOf(
  command: string,
  values: Readonly<Record<string, unknown>>,
): { channel: SubscriberChannel; address: string } {
  const choice = parseRecipientOption(values);
  if ("problem" in choice) throw new UsageError(`${command}: ${choice.problem}`);
  return choice;
}

/**
 * `--digest on` (a digest per scan, the default), `off` (each alert at once), `top N` (how many a
 * digest lists, 1–50; also `top=N`). `top N` arrives as `--digest top` and a positional N.
 */
function parseDigestOption(
  value: string | undefined,
  positionals: readonly string[],
): { change: SubscriberSettingsChange; unused: readonly string[] } {
  if (value === undefined) return { change: {}, unused: positionals };
  const usage = () =>
    new UsageError(
      `subscribe: --digest takes on, off or top N (N from ${DIGEST_TOP_RANGE.min} to ${DIGEST_TOP_RANGE.max}; got ${JSON.stringify([value, ...positionals].join(" "))})`,
    );
  if (value === "on") return { change: { deliveryMode: "digest" }, unused: positionals };
  if (value === "off") return { change: { deliveryMode: "instant" }, unused: positionals };
  const inline = /^top[ =](.*)$/.exec(value)?.[1];
  if (inline === undefined && value !== "top") throw usage();
  const [count, ...unused] = inline === undefined ? positionals : [inline, ...positionals];
  if (count === undefined || !/^\d{1,2}$/.test(count)) throw usage();
  const top = Number(count);
  if (top < DIGEST_TOP_RANGE.min || top > DIGEST_TOP_RANGE.max) throw usage();
  return { change: { digestTop: top }, unused };
}

function parseLanguageOption(value: string | undefined): SubscriberSettingsChange {
  if (value === undefined) return {};
  if (!(SUBSCRIBER_LANGUAGES as readonly string[]).includes(value)) {
    throw new UsageError(
      `subscribe: --lang takes vi (Vietnamese, with English beside it) or en (got ${JSON.stringify(value)})`,
    );
  }
  return { language: value as SubscriberLanguage };
}

/** The settings just given, in words: "every alert at once, language en". */
function describeSettings(change: SubscriberSettingsChange): string {
  return [
    change.deliveryMode === "digest" ? "one digest per scan" : null,
    change.deliveryMode === "instant" ? "every alert at once" : null,
    change.digestTop === undefined ? null : `digests list the top ${change.digestTop}`,
    change.language === undefined || change.language === null ? null : `language ${change.language}`,
    change.live === true ? "provisional alerts of forming intraday bars too (live)" : null,
  ]
    .filter((part) => part !== null)
    .join(", ");
}

export async function runSubscribe(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("subscribe", args);
  const digest = parseDigestOption(values.digest, positionals);
  if (digest.unused.length > 0) throw new UsageError(`subscribe: unexpected ${digest.unused.join(" ")}`);
  const settings: SubscriberSettingsChange = {
    ...digest.change,
    ...parseLanguageOption(values.lang),
    ...(values.live === true ? { live: true } : {}),
  };
  const recipient = recipientOf("subscribe", values);
  const types = parseList(values.types);
  const unknownTypes = (types ?? []).filter((t) => !(SIGNAL_TYPES as readonly string[]).includes(t));
  if (unknownTypes.length > 0) {
    throw new UsageError(
      `subscribe: unknown signal type ${unknownTypes.join(", ")} (known: ${SIGNAL_TYPES.join(", ")})`,
    );
  }
  const symbols = parseList(values.symbols);
  const badSymbols = (symbols ?? []).filter((s) => !/^[A-Z0-9]{1,12}$/.test(s));
  if (badSymbols.length > 0) throw new UsageError(`subscribe: not a symbol: ${badSymbols.join(", ")}`);
  const quiet = values.quiet === undefined || values.quiet === "off" ? null : parseQuietHours(values.quiet);
  if (values.quiet !== undefined && values.quiet !== "off" && quiet === null) {
    throw new UsageError(
      `subscribe: --quiet takes HH:MM-HH:MM (Vietnam time) or off (got ${JSON.stringify(values.quiet)})`,
    );
  }
  const result = await subscribe(app.database.db, {
    ...recipient,
    name: values.name ?? null,
    symbols: symbols ?? null,
    signalTypes: types ?? null,
    minScore: parseInteger("subscribe", "min-score", values["min-score"], 0, 100) ?? 0,
  });
  if (values.quiet !== undefined)
    await setQuietHours(app.database.db, recipient.channel, recipient.address, quiet);
  if (Object.keys(settings).length > 0)
    await updateSubscriberSettings(app.database.db, recipient.channel, recipient.address, settings);
  console.log(
    result.created
      ? `subscribed ${recipient.channel} ${recipient.address} (subscriber ${result.subscriberId})`
      : `${recipient.channel} ${recipient.address} already has this subscription (subscriber ${result.subscriberId})`,
  );
  if (Object.keys(settings).length > 0) console.log(`settings: ${describeSettings(settings)}`);
  const unconfigured = missingChannelSetting(app, recipient.channel);
  if (unconfigured !== null) {
    console.error(
      `vpa subscribe: warning: ${unconfigured} is not set, so no ${recipient.channel} alert goes out until the alerts worker runs with it (the subscription is stored)`,
    );
  }
  return 0;
}

/** The variable a channel needs and this process lacks (the alerts worker reads the same settings). */
function missingChannelSetting(app: AppContext, channel: SubscriberChannel): string | null {
  return findChannel(channel)?.missingSetting(app.config) ?? null;
}

export async function runUnsubscribe(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("unsubscribe", args);
  if (positionals.length > 0) throw new UsageError(`unsubscribe: unexpected ${positionals.join(" ")}`);
  const recipient = recipientOf("unsubscribe", values);
  const removed = await unsubscribe(app.database.db, recipient.channel, recipient.address);
  console.log(
    removed
      ? `unsubscribed ${recipient.channel} ${recipient.address}`
      : `no active subscriber ${recipient.channel} ${recipient.address}`,
  );
  return removed ? 0 : 1;
}
