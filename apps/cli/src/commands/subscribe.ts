import { parseQuietHours } from "@vpa/alerts";
import { SIGNAL_TYPES } from "@vpa/core";
import { type SubscriberChannel, setQuietHours, subscribe, unsubscribe } from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";

export const subscribeUsage =
  "vpa subscribe                --telegram CHAT_ID | --email ADDRESS | --webhook URL | --console NAME [--symbols A,B] [--types SPRING,...] [--min-score N] [--quiet 22:00-07:00|off] [--name TEXT]";
export const unsubscribeUsage =
  "vpa unsubscribe              --telegram CHAT_ID | --email ADDRESS | --webhook URL | --console NAME";

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ["http:", "https:"].includes(new URL(text).protocol);
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const CHAT_ID = /^-?\d{1,20}$/;

function recipientOf(
  command: string,
  values: { telegram?: string; email?: string; webhook?: string; console?: string },
): { channel: SubscriberChannel; address: string } {
  const given = (["telegram", "email", "webhook", "console"] as const).filter((c) => values[c] !== undefined);
  if (given.length !== 1)
    throw new UsageError(`${command}: give exactly one of --telegram, --email, --webhook or --console`);
  const channel = given[0] as SubscriberChannel;
  const address = (values[channel] ?? "").trim();
  if (channel === "telegram" && !CHAT_ID.test(address)) {
    throw new UsageError(`${command}: --telegram takes a numeric chat id (got ${JSON.stringify(address)})`);
  }
  if (channel === "email" && !EMAIL.test(address)) {
    throw new UsageError(
      `${command}: --email takes an address like trader@example.com (got ${JSON.stringify(address)})`,
    );
  }
  if (channel === "webhook" && !isHttpUrl(address)) {
    throw new UsageError(`${command}: --webhook takes an http(s) URL (got ${JSON.stringify(address)})`);
  }
  if (address === "") throw new UsageError(`${command}: --${channel} needs a value`);
  return { channel, address };
}

const recipientOptions = {
  telegram: { type: "string" },
  email: { type: "string" },
  webhook: { type: "string" },
  console: { type: "string" },
} as const;

export async function runSubscribe(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("subscribe", args, {
    ...recipientOptions,
    symbols: { type: "string" },
    types: { type: "string" },
    "min-score": { type: "string" },
    name: { type: "string" },
    quiet: { type: "string" },
  });
  if (positionals.length > 0) throw new UsageError(`subscribe: unexpected ${positionals.join(" ")}`);
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
  console.log(
    result.created
      ? `subscribed ${recipient.channel} ${recipient.address} (subscriber ${result.subscriberId})`
      : `${recipient.channel} ${recipient.address} already has this subscription (subscriber ${result.subscriberId})`,
  );
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
  if (channel === "telegram" && app.config.telegram.botToken === null) return "TELEGRAM_BOT_TOKEN";
  if (channel === "email" && app.config.smtpUrl === null) return "SMTP_URL";
  return null;
}

export async function runUnsubscribe(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("unsubscribe", args, recipientOptions);
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
