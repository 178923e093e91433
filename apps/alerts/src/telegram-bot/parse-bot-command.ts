import type { QuietHours } from "@vpa/db";
import { parseQuietHours } from "../quiet-hours.ts";
import { bilingual, listSome, lowerCaseAscii, quoteShort, upperCaseAscii } from "./bot-text.ts";
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
 * /status                        (admins) subscribers, deliveries, queues
 *
 * Every argument is bounded here, before anything reaches the database: symbols are 1-12 ASCII
 * letters or digits (no Unicode folding: "ﬁ" must not become "FI"), at most
 * {@link MAX_SYMBOLS_PER_SUBSCRIPTION} of them, min 0-100 in digits, types from the known list.
 * Error texts quote at most a few short pieces of the input back.
 */
export const DEFAULT_BOT_MIN_SCORE = 70;

/**
 * At most this many symbols in one subscription. HOSE lists ~400 stocks, but a watch list is a
 * few dozen; 200 leaves room for a sector or an index basket (VN100) while keeping the
 * confirmation inside one Telegram message and the `symbols` array small enough that matching
 * every signal against every subscription stays cheap. "All symbols" is `/subscribe` without any.
 */
export const MAX_SYMBOLS_PER_SUBSCRIPTION = 200;

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
  | { readonly kind: "help" }
  | { readonly kind: "status" };

export type ParsedBotCommand =
  | { readonly ok: true; readonly command: BotCommand }
  /** `error`: plain text (not yet escaped for HTML), Vietnamese / English. */
  | { readonly ok: false; readonly error: string }
  /** Not a command (plain chat text): the bot stays silent. */
  | { readonly ok: false; readonly error: null };

const SYMBOL = /^[A-Z0-9]{1,12}$/;
const MIN_SCORE = /^\d{1,3}$/;

const notSymbols = (bad: readonly string[]): string => {
  const quoted = listSome(bad.map((token) => quoteShort(token)));
  return bilingual(
    `Mã không hợp lệ (1–12 chữ cái A–Z hoặc chữ số): ${quoted}`,
    `not a symbol (1–12 letters A–Z or digits): ${quoted}`,
  );
};

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
    lowerCaseAscii(target) !== lowerCaseAscii(botUsername)
  ) {
    return { ok: false, error: null }; // addressed to another bot in a group
  }
  switch (lowerCaseAscii(name)) {
    case "start":
      return { ok: true, command: { kind: "start" } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "unsubscribe":
    case "stop":
      return { ok: true, command: { kind: "unsubscribe" } };
    case "list":
      return { ok: true, command: { kind: "list" } };
    case "status":
      return { ok: true, command: { kind: "status" } };
    case "signals": {
      if (args[0] === undefined) return { ok: true, command: { kind: "signals", symbol: null } };
      const symbol = upperCaseAscii(args[0]);
      if (!SYMBOL.test(symbol)) return { ok: false, error: notSymbols([args[0]]) };
      return { ok: true, command: { kind: "signals", symbol } };
    }
    case "subscribe":
      return parseSubscribe(args, knownSignalTypes);
    case "quiet": {
      const text = args.join("");
      if (lowerCaseAscii(text) === "off") return { ok: true, command: { kind: "quiet", window: null } };
      const window = parseQuietHours(text);
      if (window === null) {
        return {
          ok: false,
          error: bilingual(
            "Dùng /quiet 22:00-07:00 (giờ Việt Nam) hoặc /quiet off",
            "use /quiet 22:00-07:00 (Vietnam time) or /quiet off",
          ),
        };
      }
      return { ok: true, command: { kind: "quiet", window } };
    }
    default: {
      const quoted = quoteShort(name);
      return { ok: false, error: bilingual(`Lệnh không tồn tại: /${quoted}`, `unknown command /${quoted}`) };
    }
  }
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
      if (bad.length > 0) return { ok: false, error: notSymbols(bad.map(upperCaseAscii)) };
      for (const item of list) symbols.add(upperCaseAscii(item));
      continue;
    }
    const key = lowerCaseAscii(arg.slice(0, equals));
    const value = arg.slice(equals + 1);
    if (key === "min") {
      const score = MIN_SCORE.test(value) ? Number(value) : Number.NaN;
      if (!(score >= 0 && score <= 100)) {
        return {
          ok: false,
          error: bilingual(
            "Điểm tối thiểu phải là số nguyên từ 0 đến 100",
            "min must be a whole number from 0 to 100",
          ),
        };
      }
      minScore = score;
    } else if (key === "types") {
      const list = splitList(value).map(upperCaseAscii);
      const bad = list.filter((type) => !knownSignalTypes.includes(type));
      if (bad.length > 0) {
        const quoted = listSome(bad.map((type) => quoteShort(type)));
        return {
          ok: false,
          error: bilingual(`Loại tín hiệu không tồn tại: ${quoted}`, `unknown signal type ${quoted}`),
        };
      }
      for (const type of list) signalTypes.add(type);
    } else {
      const quoted = quoteShort(key);
      return {
        ok: false,
        error: bilingual(
          `Tùy chọn không hợp lệ: ${quoted}= (dùng min= hoặc types=)`,
          `unknown option ${quoted}= (use min= or types=)`,
        ),
      };
    }
  }
  if (symbols.size > MAX_SYMBOLS_PER_SUBSCRIPTION) {
    return {
      ok: false,
      error: bilingual(
        `Tối đa ${MAX_SYMBOLS_PER_SUBSCRIPTION} mã mỗi đăng ký (bạn gửi ${symbols.size})`,
        `At most ${MAX_SYMBOLS_PER_SUBSCRIPTION} symbols per subscription (you sent ${symbols.size})`,
      ),
    };
  }
  return {
    ok: true,
    command: {
      kind: "subscribe",
      symbols: symbols.size === 0 ? null : [...symbols],
      minScore,
      signalTypes: signalTypes.size === 0 ? null : [...signalTypes],
    },
  };
}
