import type { QuietHours } from "@vpa/db";
import { parseQuietHours } from "../quiet-hours.ts";
/**
 * The Telegram bot's commands, parsed from a message text. Pure: no I/O.
 *
 * /start                         subscribe this chat to every signal scoring 70+ (and show help)
 * /subscribe [SYMBOLS] [min=N] [types=T1,T2]   e.g. `/subscribe VCB,FPT min=75 types=SPRING,TEST`
 * /unsubscribe                   stop all alerts to this chat
 * /list                          show this chat's subscriptions
 * /signals [SYMBOL]              the latest stored signals
 * /quiet 22:00-07:00 | off       hold alerts during these hours (Vietnam time) until they end
 * /help                          this text
 */
export const DEFAULT_BOT_MIN_SCORE = 70;

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
  | { readonly kind: "quiet"; readonly window: QuietHours | null }
  | { readonly kind: "help" };

export type ParsedBotCommand =
  | { readonly ok: true; readonly command: BotCommand }
  | { readonly ok: false; readonly error: string }
  /** Not a command (plain chat text): the bot stays silent. */
  | { readonly ok: false; readonly error: null };

const SYMBOL = /^[A-Z0-9]{1,12}$/;

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
  if (!trimmed.startsWith("/")) return { ok: false, error: null };
  const [head = "", ...args] = trimmed.split(/\s+/);
  const [name = "", target] = head.slice(1).split("@");
  if (
    target !== undefined &&
    botUsername !== undefined &&
    target.toLowerCase() !== botUsername.toLowerCase()
  ) {
    return { ok: false, error: null }; // addressed to another bot in a group
  }
  switch (name.toLowerCase()) {
    case "start":
      return { ok: true, command: { kind: "start" } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "unsubscribe":
    case "stop":
      return { ok: true, command: { kind: "unsubscribe" } };
    case "list":
      return { ok: true, command: { kind: "list" } };
    case "signals": {
      const symbol = args[0]?.toUpperCase() ?? null;
      if (symbol !== null && !SYMBOL.test(symbol)) return { ok: false, error: `not a symbol: ${args[0]}` };
      return { ok: true, command: { kind: "signals", symbol } };
    }
    case "subscribe":
      return parseSubscribe(args, knownSignalTypes);
    case "quiet": {
      const text = args.join("");
      if (text.toLowerCase() === "off") return { ok: true, command: { kind: "quiet", window: null } };
      const window = parseQuietHours(text);
      if (window === null) return { ok: false, error: "use /quiet 22:00-07:00 (Vietnam time) or /quiet off" };
      return { ok: true, command: { kind: "quiet", window } };
    }
    default:
      return { ok: false, error: `unknown command /${name}` };
  }
}

function parseSubscribe(args: readonly string[], knownSignalTypes: readonly string[]): ParsedBotCommand {
  let symbols: string[] | null = null;
  let minScore = DEFAULT_BOT_MIN_SCORE;
  let signalTypes: string[] | null = null;
  for (const arg of args) {
    const [key, value] = arg.includes("=") ? (arg.split("=", 2) as [string, string]) : [null, arg];
    if (key === null) {
      const list = value
        .toUpperCase()
        .split(",")
        .filter((s) => s !== "");
      const bad = list.filter((s) => !SYMBOL.test(s));
      if (bad.length > 0) return { ok: false, error: `not a symbol: ${bad.join(", ")}` };
      symbols = [...(symbols ?? []), ...list];
    } else if (key.toLowerCase() === "min") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 100)
        return { ok: false, error: "min must be a whole number from 0 to 100" };
      minScore = n;
    } else if (key.toLowerCase() === "types") {
      const list = value
        .toUpperCase()
        .split(",")
        .filter((s) => s !== "");
      const bad = list.filter((t) => !knownSignalTypes.includes(t));
      if (bad.length > 0) return { ok: false, error: `unknown signal type ${bad.join(", ")}` };
      signalTypes = list;
    } else {
      return { ok: false, error: `unknown option ${key}= (use min= or types=)` };
    }
  }
  return { ok: true, command: { kind: "subscribe", symbols, minScore, signalTypes } };
}
