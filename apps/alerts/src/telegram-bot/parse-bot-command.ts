import type { QuietHours } from "@vpa/db";
import { DIGEST_TOP_RANGE } from "@vpa/db";
import type { Language } from "../i18n/language.ts";
import { isLanguage } from "../i18n/language.ts";
import { parseQuietHours } from "../quiet-hours.ts";
import { lowerCaseAscii, upperCaseAscii } from "./bot-text.ts";
/**
 * The Telegram bot's commands, parsed from a message text. Pure: no I/O, no language: a mistake is
 * returned as data ({@link BotMistake}) and put into words in the chat's language by the bot.
 *
 * /start                         subscribe this chat to every signal scoring 70+ (and show help)
 * /subscribe [SYMBOLS] [min=N] [types=T1,T2]   e.g. `/subscribe VCB,FPT min=75 types=SPRING,TEST`
 * /unsubscribe                   stop all alerts to this chat
 * /list                          show this chat's subscriptions and settings
 * /signals [SYMBOL]              the latest stored signals
 * /top [N]                       the strongest N signals of the newest scan (default 10)
 * /chart SYMBOL                  the chart of the symbol's last 60 daily bars, as a photo
 * /portfolio [NAME]              a paper portfolio: value, last close against its index, positions
 * /digest [on|off|top N]         a digest per scan, or each alert at once; the digest's length
 * /lang [vi|en]                  Vietnamese with English beside it, or English
 * /pause [2h|1d|30m]             no alerts for that long (default: until /resume)
 * /resume                        end a pause
 * /quiet 22:00-07:00 | off       hold alerts during these hours (Vietnam time) until they end
 * /live [on|off]                 provisional alerts of forming intraday bars (vpa-signals.md §10)
 * /help                          this text
 * /status, /scan                 (admins) subscribers, deliveries, queues; scan the newest bars now
 *
 * Every argument is bounded here, before anything reaches the database: symbols are 1-12 ASCII
 * letters or digits (no Unicode folding: "ﬁ" must not become "FI"), at most
 * {@link MAX_SYMBOLS_PER_SUBSCRIPTION} of them, min 0-100 in digits, types from the known list,
 * /top and /digest top 1-50, a pause at most {@link MAX_PAUSE_DAYS} days.
 */
export const DEFAULT_BOT_MIN_SCORE = 70;

/**
 * At most this many symbols in one subscription. HOSE lists ~400 stocks, but a watch list is a
 * few dozen; 200 leaves room for a sector or an index basket (VN100) while keeping the
 * confirmation inside one Telegram message and the `symbols` array small enough that matching
 * every signal against every subscription stays cheap. "All symbols" is `/subscribe` without any.
 */
export const MAX_SYMBOLS_PER_SUBSCRIPTION = 200;

/** /top without a number, and the most it lists (one message; a digest lists as many). */
export const DEFAULT_TOP_SIGNALS = 10;
export const MAX_TOP_SIGNALS = DIGEST_TOP_RANGE.max;

/**
 * The longest pause, also the length of a pause "until /resume". Alerts that come during a pause
 * wait for its end; a bound keeps a forgotten pause from holding them (and their delayed jobs)
 * for ever.
 */
export const MAX_PAUSE_DAYS = 30;

const MINUTE_MS = 60_000;
const PAUSE_UNITS_MS = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS } as const;

export type BotCommand =
  | { readonly kind: "start" }
  | {
      readonly kind: "subscribe";
      readonly symbols: readonly string[] | null;
      readonly minScore: number;
      readonly signalTypes: readonly string[] | null;
    }
  | { readonly kind: "unsubscribe" }
  | { readonly kind: "list" }
  | { readonly kind: "signals"; readonly symbol: string | null }
  | { readonly kind: "top"; readonly limit: number }
  | { readonly kind: "chart"; readonly symbol: string }
  /** `name` null: the only portfolio, or the first of several (by name). */
  | { readonly kind: "portfolio"; readonly name: string | null }
  /** `change` null: show the current setting. */
  | {
      readonly kind: "digest";
      readonly change: { readonly mode: "digest" | "instant" } | { readonly top: number } | null;
    }
  /** `language` null: show the current one. */
  | { readonly kind: "lang"; readonly language: Language | null }
  /** `durationMs` null: until /resume (at most MAX_PAUSE_DAYS). */
  | { readonly kind: "pause"; readonly durationMs: number | null }
  | { readonly kind: "resume" }
  | { readonly kind: "quiet"; readonly window: QuietHours | null }
  /** `on` null: show the current setting. */
  | { readonly kind: "live"; readonly on: boolean | null }
  | { readonly kind: "help" }
  | { readonly kind: "status" }
  | { readonly kind: "scan" };

/** Commands whose arguments have a fixed form, shown back when the form is wrong. */
export type UsageCommand = "quiet" | "lang" | "digest" | "pause" | "top" | "chart" | "portfolio" | "live";

/** What was wrong with a command, as data: the bot says it in the chat's language. */
export type BotMistake =
  | { readonly kind: "unknown-command"; readonly name: string }
  /** The offending tokens, as typed (upper-cased ASCII for symbols). */
  | { readonly kind: "not-a-symbol"; readonly tokens: readonly string[] }
  | { readonly kind: "min-score" }
  | { readonly kind: "unknown-signal-type"; readonly types: readonly string[] }
  | { readonly kind: "unknown-option"; readonly key: string }
  | { readonly kind: "too-many-symbols"; readonly sent: number }
  | { readonly kind: "usage"; readonly command: UsageCommand };

export type ParsedBotCommand =
  | { readonly ok: true; readonly command: BotCommand }
  | { readonly ok: false; readonly mistake: BotMistake }
  /** Not a command (plain chat text): the bot stays silent. */
  | { readonly ok: false; readonly mistake: null };

const SYMBOL = /^[A-Z0-9]{1,12}$/;
const MIN_SCORE = /^\d{1,3}$/;
const SMALL_NUMBER = /^\d{1,3}$/;
const DURATION = /^(\d{1,5})([mhd])$/;
/** As `vpa portfolio create` allows them. */
const PORTFOLIO_NAME = /^[\w.-]{1,64}$/;

const refuse = (mistake: BotMistake): ParsedBotCommand => ({ ok: false, mistake });
const usage = (command: UsageCommand): ParsedBotCommand => refuse({ kind: "usage", command });
const accept = (command: BotCommand): ParsedBotCommand => ({ ok: true, command });

/**
 * `text` is the message text; `botUsername` lets `/subscribe@vpa_bot` (group chats) match.
 * `knownSignalTypes` validates `types=`.
 */
export function parseBotCommand(
  text: string,
  knownSignalTypes: readonly string[],
  botUsername?: string,
): ParsedBotCommand {
  const trimmed = text.trim();
  if (!trimmed.startsWith("/")) return { ok: false, mistake: null };
  const [head = "", ...args] = trimmed.split(/\s+/);
  const [name = "", target] = head.slice(1).split("@");
  if (
    target !== undefined &&
    botUsername !== undefined &&
    lowerCaseAscii(target) !== lowerCaseAscii(botUsername)
  ) {
    return { ok: false, mistake: null }; // addressed to another bot in a group
  }
  const words = args.map(lowerCaseAscii);
  switch (lowerCaseAscii(name)) {
    case "start":
      return accept({ kind: "start" });
    case "help":
      return accept({ kind: "help" });
    case "unsubscribe":
    case "stop":
      return accept({ kind: "unsubscribe" });
    case "list":
      return accept({ kind: "list" });
    case "status":
      return accept({ kind: "status" });
    case "scan":
      return accept({ kind: "scan" });
    case "resume":
      return accept({ kind: "resume" });
    case "signals": {
      if (args[0] === undefined) return accept({ kind: "signals", symbol: null });
      const symbol = upperCaseAscii(args[0]);
      if (!SYMBOL.test(symbol)) return refuse({ kind: "not-a-symbol", tokens: [args[0]] });
      return accept({ kind: "signals", symbol });
    }
    case "chart": {
      if (args.length !== 1) return usage("chart");
      const symbol = upperCaseAscii(args[0]!);
      if (!SYMBOL.test(symbol)) return refuse({ kind: "not-a-symbol", tokens: [args[0]!] });
      return accept({ kind: "chart", symbol });
    }
    case "portfolio": {
      if (args.length === 0) return accept({ kind: "portfolio", name: null });
      if (args.length > 1 || !PORTFOLIO_NAME.test(args[0]!)) return usage("portfolio");
      return accept({ kind: "portfolio", name: args[0]! });
    }
    case "subscribe":
      return parseSubscribe(args, knownSignalTypes);
    case "top": {
      if (words.length === 0) return accept({ kind: "top", limit: DEFAULT_TOP_SIGNALS });
      const limit = words.length === 1 ? boundedNumber(words[0], 1, MAX_TOP_SIGNALS) : null;
      return limit === null ? usage("top") : accept({ kind: "top", limit });
    }
    case "digest":
      return parseDigest(words);
    case "lang": {
      if (words.length === 0) return accept({ kind: "lang", language: null });
      const language = words.length === 1 ? words[0]! : "";
      return isLanguage(language) ? accept({ kind: "lang", language }) : usage("lang");
    }
    case "pause": {
      if (words.length === 0) return accept({ kind: "pause", durationMs: null });
      const match = DURATION.exec(words.join(""));
      if (match === null) return usage("pause");
      const durationMs = Number(match[1]) * PAUSE_UNITS_MS[match[2] as keyof typeof PAUSE_UNITS_MS];
      if (durationMs < MINUTE_MS || durationMs > MAX_PAUSE_DAYS * PAUSE_UNITS_MS.d) return usage("pause");
      return accept({ kind: "pause", durationMs });
    }
    case "quiet": {
      const window = args.join("");
      if (lowerCaseAscii(window) === "off") return accept({ kind: "quiet", window: null });
      const parsed = parseQuietHours(window);
      return parsed === null ? usage("quiet") : accept({ kind: "quiet", window: parsed });
    }
    case "live":
      if (words.length === 0) return accept({ kind: "live", on: null });
      if (words.length === 1 && (words[0] === "on" || words[0] === "off"))
        return accept({ kind: "live", on: words[0] === "on" });
      return usage("live");
    default:
      return refuse({ kind: "unknown-command", name });
  }
}

/** A whole number from `min` to `max` written in 1–3 ASCII digits, or null. */
function boundedNumber(word: string | undefined, min: number, max: number): number | null {
  if (word === undefined || !SMALL_NUMBER.test(word)) return null;
  const value = Number(word);
  return value >= min && value <= max ? value : null;
}

function parseDigest(words: readonly string[]): ParsedBotCommand {
  const [first, second, ...rest] = words;
  if (first === undefined) return accept({ kind: "digest", change: null });
  if (rest.length > 0) return usage("digest");
  if (first === "on" && second === undefined) return accept({ kind: "digest", change: { mode: "digest" } });
  if (first === "off" && second === undefined) return accept({ kind: "digest", change: { mode: "instant" } });
  // "top 5", and "top=5" as /subscribe writes its options.
  const top =
    first === "top"
      ? boundedNumber(second, DIGEST_TOP_RANGE.min, DIGEST_TOP_RANGE.max)
      : second === undefined && first.startsWith("top=")
        ? boundedNumber(first.slice(4), DIGEST_TOP_RANGE.min, DIGEST_TOP_RANGE.max)
        : null;
  return top === null ? usage("digest") : accept({ kind: "digest", change: { top } });
}

function parseSubscribe(args: readonly string[], knownSignalTypes: readonly string[]): ParsedBotCommand {
  const symbols = new Set<string>();
  let minScore = DEFAULT_BOT_MIN_SCORE;
  const signalTypes = new Set<string>();
  const splitList = (value: string) => value.split(",").filter((item) => item !== "");
  for (const arg of args) {
    const equals = arg.indexOf("=");
    if (equals === -1) {
      const list = splitList(arg);
      const bad = list.filter((item) => !SYMBOL.test(upperCaseAscii(item)));
      if (bad.length > 0) return refuse({ kind: "not-a-symbol", tokens: bad.map(upperCaseAscii) });
      for (const item of list) symbols.add(upperCaseAscii(item));
      continue;
    }
    const key = lowerCaseAscii(arg.slice(0, equals));
    const value = arg.slice(equals + 1);
    if (key === "min") {
      const score = MIN_SCORE.test(value) ? Number(value) : Number.NaN;
      if (!(score >= 0 && score <= 100)) return refuse({ kind: "min-score" });
      minScore = score;
    } else if (key === "types") {
      const list = splitList(value).map(upperCaseAscii);
      const bad = list.filter((type) => !knownSignalTypes.includes(type));
      if (bad.length > 0) return refuse({ kind: "unknown-signal-type", types: bad });
      for (const type of list) signalTypes.add(type);
    } else {
      return refuse({ kind: "unknown-option", key });
    }
  }
  if (symbols.size > MAX_SYMBOLS_PER_SUBSCRIPTION)
    return refuse({ kind: "too-many-symbols", sent: symbols.size });
  return accept({
    kind: "subscribe",
    symbols: symbols.size === 0 ? null : [...symbols],
    minScore,
    signalTypes: signalTypes.size === 0 ? null : [...signalTypes],
  });
}
