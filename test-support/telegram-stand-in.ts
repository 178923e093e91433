/**
 * A Telegram Bot API stand-in for tests: a real HTTP server on 127.0.0.1 speaking the wire format
 * of `https://api.telegram.org`, so the real client library (node-telegram-bot-api 2.x) runs
 * unmodified against it through its `apiRoot` option.
 *
 * Why not `telegram-test-api`: it does not emulate 429 flood control, 403 blocked users, HTML parse
 * errors or the length limit, which are exactly the paths the alert worker must handle.
 *
 * Wire format, as Telegram does it:
 * - `POST` (or `GET`) `/bot<token>/<method>`; parameters as `application/x-www-form-urlencoded`
 *   (what node-telegram-bot-api sends when no file is attached: structured fields such as
 *   `link_preview_options` are JSON strings inside the form), `application/json`, or the query
 *   string; multipart/form-data when a file is attached (sendPhoto with an uploaded photo: the
 *   library streams the file as a part named after the parameter).
 * - Success: HTTP 200 `{"ok":true,"result":...}`. Failure: the HTTP status equals `error_code`,
 *   body `{"ok":false,"error_code":N,"description":"..."}` plus `parameters` for 429.
 * - A wrong token: 401 `Unauthorized`; an unknown method: 404 `Not Found`.
 *
 * Methods: getMe, sendMessage, sendPhoto (an uploaded PNG or JPEG, with an optional caption of at
 * most 1,024 characters after entity parsing, HTML-validated like a message text), getUpdates
 * (long polling over updates queued with `pushUpdate`), setMyCommands, getMyCommands,
 * setWebhook, deleteWebhook, getWebhookInfo. sendPhoto shares sendMessage's chats: the same blocks,
 * 429s, flood control and per-chat message ids.
 *
 * Webhooks, as Telegram delivers them: once setWebhook has set an `https` URL (ports 443, 80, 88
 * or 8443, a `secret_token` of 1–256 `A-Za-z0-9_-`), every queued update is POSTed to it as JSON,
 * with `X-Telegram-Bot-Api-Secret-Token` when a secret was set, up to `max_connections` at a time
 * (default 40), only the types in `allowed_updates`. An update is confirmed (forgotten) only by a
 * 2xx answer; any other answer, a refused connection or a time-out re-posts the same update
 * later (backing off), and getWebhookInfo reports the last error, as Telegram does. getUpdates
 * answers 409 Conflict while a webhook is set; deleteWebhook keeps the queued updates for
 * getUpdates (unless `drop_pending_updates`). The public URL does not resolve in a test:
 * {@link TelegramStandIn.routeWebhook} says where it is served (the origin of the bot's webhook
 * server), as a proxy or Ingress forwards it.
 *
 * Inline keyboards: `pushCallbackQuery` queues the `callback_query` update Telegram sends when a
 * user taps a button under a message the bot sent; the bot answers it with answerCallbackQuery
 * (once, within the query's life) and may editMessageText the message (text and buttons; Telegram
 * refuses an edit that changes nothing: "message is not modified"). {@link checkInlineKeyboard}
 * holds a `reply_markup` to Telegram's rules for buttons.
 *
 * Flood control is off unless `floodControl` is set: then sendMessage answers 429 with
 * `retry_after`, as Telegram does, to a sender that exceeds 1 message/s to one chat, 20 messages a
 * minute to one group or channel (negative chat id), or 30 messages/s overall
 * ({@link TELEGRAM_FLOOD_LIMITS}). Counted on arrival, over the messages accepted.
 *
 * HTML validation (`parse_mode: "HTML"`, see {@link parseTelegramHtml}) follows Telegram's rules
 * and error texts (tdlib's parse_html), and is deliberately STRICTER in one way: a bare `&` that
 * does not start a valid entity and a bare `>` are rejected, where Telegram would pass them
 * through. Both are escaping bugs in our renderer even when Telegram tolerates them.
 *
 * @example
 * const tg = await startTelegramStandIn({ token: "123456:TEST" });
 * const api = new Api("123456:TEST", { apiRoot: tg.apiRoot, maxRetries: 0 });
 * await api.sendMessage({ chat_id: 42, text: "<b>hi</b>", parse_mode: "HTML" });
 * tg.sentMessages[0]?.plainText; // "hi"
 * await tg.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Telegram's message text limit, after entity parsing, in UTF-16 code units. */
export const TELEGRAM_TEXT_MAX_LENGTH = 4096;

/** Telegram's media caption limit, after entity parsing, in UTF-16 code units. */
export const TELEGRAM_CAPTION_MAX_LENGTH = 1024;

// ---------------------------------------------------------------------------------------------
// HTML parse mode
// ---------------------------------------------------------------------------------------------

/** A formatting entity as Telegram reports it (offsets and lengths in UTF-16 code units). */
export interface TelegramMessageEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
  readonly custom_emoji_id?: string;
}

export type TelegramHtmlParseResult =
  | { readonly ok: true; readonly text: string; readonly entities: readonly TelegramMessageEntity[] }
  | { readonly ok: false; readonly description: string };

const TAG_ENTITY_TYPES: Readonly<Record<string, string>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  span: "spoiler",
  "tg-spoiler": "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly textOffset: number;
}

/**
 * Parses text the way Telegram parses `parse_mode: "HTML"`: allowed tags only (b, strong, i, em,
 * u, ins, s, strike, del, span class="tg-spoiler", tg-spoiler, a href, code, pre, blockquote,
 * tg-emoji emoji-id), properly nested and closed; entities `&lt; &gt; &amp; &quot;` and numeric
 * ones (`&#39;`, `&#x1F600;`), which Telegram documents as supported. Returns the plain text and
 * entities, or the error description Telegram would send after "Bad Request: can't parse entities: ".
 * Byte offsets in errors are UTF-8 byte offsets into the input, as Telegram reports them.
 *
 * @example
 * parseTelegramHtml("<b>A&amp;B</b>"); // { ok: true, text: "A&B", entities: [{ type: "bold", offset: 0, length: 3 }] }
 * parseTelegramHtml("<br>");           // { ok: false, description: 'Unsupported start tag "br" at byte offset 0' }
 */
export function parseTelegramHtml(html: string): TelegramHtmlParseResult {
  const byteOffset = (index: number): number => Buffer.byteLength(html.slice(0, index), "utf8");
  const fail = (description: string): TelegramHtmlParseResult => ({ ok: false, description });
  const stack: OpenTag[] = [];
  const entities: TelegramMessageEntity[] = [];
  let text = "";
  let index = 0;
  while (index < html.length) {
    const character = html[index]!;
    if (character === "&") {
      const decoded = decodeEntityAt(html, index);
      if (decoded === null) return fail(`Unescaped "&" at byte offset ${byteOffset(index)}`);
      text += decoded.value;
      index += decoded.length;
      continue;
    }
    if (character === ">") return fail(`Unescaped ">" at byte offset ${byteOffset(index)}`);
    if (character !== "<") {
      text += character;
      index += 1;
      continue;
    }
    const tagStart = index;
    if (html[index + 1] === "/") {
      const match = /^<\/([a-zA-Z0-9-]*)\s*>/.exec(html.slice(index));
      if (match === null) return fail(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
      const name = match[1]!.toLowerCase();
      const open = stack.pop();
      if (open === undefined) return fail(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
      if (name !== open.name) {
        return fail(
          `Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const entity = entityFor(open, text, stack);
      if (entity !== null) entities.push(entity);
      index += match[0].length;
      continue;
    }
    const nameMatch = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(index));
    const name = nameMatch?.[1]?.toLowerCase() ?? "";
    if (TAG_ENTITY_TYPES[name] === undefined) {
      return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(tagStart)}`);
    }
    index += 1 + name.length;
    const attributes = new Map<string, string>();
    for (;;) {
      while (index < html.length && /\s/.test(html[index]!)) index += 1;
      if (index >= html.length) return fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
      if (html[index] === ">") {
        index += 1;
        break;
      }
      const attributeMatch = /^([a-zA-Z0-9_-]+)/.exec(html.slice(index));
      if (attributeMatch === null) {
        return fail(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(tagStart)}`);
      }
      const attributeName = attributeMatch[1]!.toLowerCase();
      index += attributeMatch[1]!.length;
      while (index < html.length && /\s/.test(html[index]!)) index += 1;
      if (html[index] !== "=") {
        attributes.set(attributeName, "");
        continue;
      }
      index += 1;
      while (index < html.length && /\s/.test(html[index]!)) index += 1;
      const quote = html[index];
      let rawValue: string;
      if (quote === '"' || quote === "'") {
        const end = html.indexOf(quote, index + 1);
        if (end === -1) return fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
        rawValue = html.slice(index + 1, end);
        index = end + 1;
      } else {
        const valueMatch = /^[^\s>]*/.exec(html.slice(index));
        rawValue = valueMatch?.[0] ?? "";
        index += rawValue.length;
      }
      const value = decodeAttributeValue(rawValue);
      if (value === null) {
        return fail(
          `Unescaped "&" in an attribute of the tag "${name}" at byte offset ${byteOffset(tagStart)}`,
        );
      }
      attributes.set(attributeName, value);
    }
    if (name === "span" && attributes.get("class") !== "tg-spoiler") {
      return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(tagStart)}`);
    }
    if (name === "tg-emoji" && !/^\d+$/.test(attributes.get("emoji-id") ?? "")) {
      return fail(`Custom emoji identifier must be non-empty at byte offset ${byteOffset(tagStart)}`);
    }
    const insideCode = stack.some((open) => open.name === "code");
    const insidePre = stack.some((open) => open.name === "pre");
    if (insideCode || (insidePre && name !== "code")) {
      return fail(`Can't nest "${name}" inside pre or code entity at byte offset ${byteOffset(tagStart)}`);
    }
    stack.push({ name, attributes, textOffset: text.length });
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((left, right) => left.offset - right.offset || right.length - left.length);
  return { ok: true, text, entities };
}

function decodeEntityAt(html: string, index: number): { value: string; length: number } | null {
  const match = /^&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(html.slice(index, index + 12));
  if (match === null) return null;
  const body = match[1]!;
  if (body.startsWith("#")) {
    const codePoint =
      body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return null;
    return { value: String.fromCodePoint(codePoint), length: match[0].length };
  }
  const named = NAMED_ENTITIES[body];
  return named === undefined ? null : { value: named, length: match[0].length };
}

function decodeAttributeValue(raw: string): string | null {
  let value = "";
  let index = 0;
  while (index < raw.length) {
    if (raw[index] === "&") {
      const decoded = decodeEntityAt(raw, index);
      if (decoded === null) return null;
      value += decoded.value;
      index += decoded.length;
    } else {
      value += raw[index];
      index += 1;
    }
  }
  return value;
}

function entityFor(open: OpenTag, text: string, outer: readonly OpenTag[]): TelegramMessageEntity | null {
  const length = text.length - open.textOffset;
  if (length === 0) return null; // Telegram drops empty entities
  const base = { offset: open.textOffset, length };
  switch (open.name) {
    case "a": {
      const url = open.attributes.get("href");
      return url === undefined || url === "" ? null : { type: "text_link", ...base, url };
    }
    case "code": {
      const language = /^language-(.+)$/.exec(open.attributes.get("class") ?? "")?.[1];
      const inPre = outer.at(-1)?.name === "pre";
      // <pre><code class="language-x"> is one pre entity with a language, not two entities.
      if (inPre) return language === undefined ? null : { type: "pre", ...base, language };
      return { type: "code", ...base };
    }
    case "blockquote":
      return { type: open.attributes.has("expandable") ? "expandable_blockquote" : "blockquote", ...base };
    case "tg-emoji":
      return { type: "custom_emoji", ...base, custom_emoji_id: open.attributes.get("emoji-id") ?? "" };
    default:
      return { type: TAG_ENTITY_TYPES[open.name] ?? "bold", ...base };
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/** A message the stand-in accepted, as the bot sent it and as Telegram would store it. */
export interface SentTelegramMessage {
  /** `chat_id` as sent, as a string (form bodies carry strings only). */
  readonly chatId: string;
  /** Per-chat message id, from 1, like Telegram's. */
  readonly messageId: number;
  /** `text` exactly as sent (HTML source when parse_mode is HTML). */
  readonly text: string;
  readonly parseMode: string | null;
  /** Text after entity parsing: what the user reads. */
  readonly plainText: string;
  readonly entities: readonly TelegramMessageEntity[];
  /** All parameters as decoded by the stand-in (JSON-valued fields parsed). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A photo the stand-in accepted (sendPhoto with an uploaded file). */
export interface SentTelegramPhoto {
  /** `chat_id` as sent, as a string. */
  readonly chatId: string;
  /** Per-chat message id, counted together with the chat's text messages. */
  readonly messageId: number;
  /** The uploaded file's bytes, as received. */
  readonly photo: Uint8Array;
  /** The file part's `filename` and `Content-Type`. */
  readonly filename: string | null;
  readonly contentType: string | null;
  /** Width and height from the image header (PNG IHDR or JPEG SOF). */
  readonly width: number;
  readonly height: number;
  /** `caption` exactly as sent (HTML source when parse_mode is HTML), or null for none. */
  readonly caption: string | null;
  readonly parseMode: string | null;
  /** Caption after entity parsing: what the user reads under the photo ("" for none). */
  readonly plainCaption: string;
  readonly captionEntities: readonly TelegramMessageEntity[];
  /** The other parameters as decoded by the stand-in (the photo itself as `{ filename, contentType, size }`). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** An accepted editMessageText: the message as it reads after the edit. */
export interface EditedTelegramMessage {
  readonly chatId: string;
  readonly messageId: number;
  /** `text` exactly as sent (HTML source when parse_mode is HTML). */
  readonly text: string;
  readonly plainText: string;
  readonly entities: readonly TelegramMessageEntity[];
  /** The buttons after the edit (`{ inline_keyboard }`), or null: an edit without them removes them. */
  readonly replyMarkup: unknown;
  readonly params: Readonly<Record<string, unknown>>;
}

/** An accepted answerCallbackQuery. */
export interface AnsweredCallbackQuery {
  readonly callbackQueryId: string;
  /** The toast the user sees, or null for none. */
  readonly text: string | null;
  readonly showAlert: boolean;
}

/** A tap to push with `pushCallbackQuery`. */
export interface CallbackQueryTap {
  /** The chat of the message whose button was tapped. */
  readonly chatId: string | number;
  /** That message's id, as sendMessage returned it. */
  readonly messageId: number;
  /** The tapped button's `callback_data`. */
  readonly data: string;
  /** Who tapped; default the chat's id (a private chat) and "Subscriber". */
  readonly fromId?: number;
  readonly firstName?: string;
}

/**
 * Checks a `reply_markup` holding an inline keyboard the way Telegram does: rows of buttons, each
 * with a non-empty `text` and a `callback_data` of 1–64 bytes (the only kind of button this
 * project sends). Returns Telegram's error description, or null when it would be accepted.
 *
 * @example
 * checkInlineKeyboard({ inline_keyboard: [[{ text: "OK", callback_data: "x".repeat(65) }]] }); // "BUTTON_DATA_INVALID"
 */
export function checkInlineKeyboard(markup: unknown): string | null {
  const rows = (markup as { inline_keyboard?: unknown } | null)?.inline_keyboard;
  if (!Array.isArray(rows))
    return 'can\'t parse inline keyboard markup: field "inline_keyboard" must be an Array';
  for (const row of rows) {
    if (!Array.isArray(row))
      return 'can\'t parse inline keyboard markup: field "inline_keyboard" must be an Array of Arrays';
    for (const button of row) {
      const { text, callback_data } = (button ?? {}) as { text?: unknown; callback_data?: unknown };
      if (typeof text !== "string" || text === "") return "BUTTON_TEXT_INVALID";
      if (typeof callback_data !== "string") return "BUTTON_TYPE_INVALID";
      const bytes = Buffer.byteLength(callback_data, "utf8");
      if (bytes < 1 || bytes > 64) return "BUTTON_DATA_INVALID";
    }
  }
  return null;
}

/** Every request that reached the server, accepted or not. */
export interface TelegramRequestRecord {
  readonly method: string;
  readonly httpMethod: string;
  /** `content-type` of the request body, or null for none. */
  readonly contentType: string | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly tokenAccepted: boolean;
  readonly status: number;
  /** When the request arrived (`Date.now()`), e.g. to check how long a client waited after a 429. */
  readonly receivedAt: number;
}

/** One POST of an update to the webhook, as the stand-in made it. */
export interface WebhookDeliveryRecord {
  readonly updateId: number;
  /** The HTTP status the webhook answered, or 0 when no answer came (refused, reset, time-out). */
  readonly status: number;
  /** The X-Telegram-Bot-Api-Secret-Token header sent, or null for none. */
  readonly secretToken: string | null;
  /** When the POST started (`Date.now()`). */
  readonly sentAt: number;
  /** The answer was 2xx but was lost on its way back ({@link TelegramStandIn.loseWebhookAnswers}). */
  readonly answerLost: boolean;
}

/** The webhook as setWebhook set it. */
export interface TelegramWebhook {
  readonly url: string;
  readonly secretToken: string | null;
  readonly allowedUpdates: readonly string[];
  readonly maxConnections: number;
}

/** Telegram's documented limits for bots (https://core.telegram.org/bots/faq#broadcasting-to-users). */
export interface TelegramFloodLimits {
  /** Minimum time between two messages to one chat. */
  readonly perChatIntervalMs: number;
  /** Messages per minute to one group or channel (negative chat id). */
  readonly groupPerMinute: number;
  /** Messages per second across all chats. */
  readonly overallPerSecond: number;
}

export const TELEGRAM_FLOOD_LIMITS: TelegramFloodLimits = {
  perChatIntervalMs: 1_000,
  groupPerMinute: 20,
  overallPerSecond: 30,
};

export interface BotCommand {
  readonly command: string;
  readonly description: string;
}

export interface TelegramStandInOptions {
  /** The bot token the server accepts, e.g. `123456:ABC-DEF`; the part before `:` is the bot id. */
  readonly token: string;
  /** `username` returned by getMe. Default `vpa_alerts_test_bot`. */
  readonly botUsername?: string;
  /**
   * Enforce Telegram's flood limits on sendMessage (429 with `retry_after`): `true` for
   * {@link TELEGRAM_FLOOD_LIMITS}, or other limits. Default off (a sender's own pacing is then
   * not checked).
   */
  readonly floodControl?: boolean | Partial<TelegramFloodLimits>;
  /**
   * Idle keep-alive connections are closed after this long, exactly (announced as
   * `Keep-Alive: timeout=N`, without Node's extra second of grace), as a front end closes them.
   * Default Node's (5 s announced, closed after 6 s).
   */
  readonly keepAliveTimeoutMs?: number;
  /**
   * How long after a failed webhook POST the update is posted again, doubling per failure of that
   * update up to 2 s. Default 200 ms (Telegram waits longer; tests should not).
   */
  readonly webhookRetryMs?: number;
  /** A webhook POST not answered within this long counts as failed. Default 10,000 ms. */
  readonly webhookTimeoutMs?: number;
}

export interface TelegramStandIn {
  /** Pass as the client's `apiRoot`, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly apiRoot: string;
  readonly token: string;
  /** Accepted sendMessage calls, in arrival order. */
  readonly sentMessages: readonly SentTelegramMessage[];
  /** Accepted sendPhoto calls, in arrival order. */
  readonly sentPhotos: readonly SentTelegramPhoto[];
  /** Every request, in arrival order (including rejected ones). */
  readonly requests: readonly TelegramRequestRecord[];
  /** Commands last set with setMyCommands for the default scope and language, or null. */
  readonly commands: readonly BotCommand[] | null;
  /** Webhook URL set with setWebhook, or null (deleteWebhook clears it). */
  readonly webhookUrl: string | null;
  /** The webhook as setWebhook set it (with its secret token), or null. */
  readonly webhook: TelegramWebhook | null;
  /** Every POST of an update to the webhook, in the order they started. */
  readonly webhookDeliveries: readonly WebhookDeliveryRecord[];
  /** Updates queued and not yet confirmed (by a getUpdates offset or a 2xx webhook answer). */
  readonly pendingUpdates: number;
  /**
   * Where the webhook's public URL is served in this test: an origin such as
   * `http://127.0.0.1:41235`; the stand-in POSTs to it with the URL's path and query, as a proxy
   * or Ingress forwards it. null (the default): every POST fails as a refused connection.
   */
  routeWebhook(origin: string | null): void;
  /**
   * The next `count` 2xx answers of the webhook are lost on their way back (a proxy timed out):
   * the stand-in re-posts those updates as Telegram does when it gets no 2xx.
   */
  loseWebhookAnswers(count: number): void;
  /** getUpdates calls being held open right now (long polls waiting for an update). */
  readonly waitingPolls: number;
  /**
   * Every later sendMessage to this chat gets 403 with `description`, default
   * "Forbidden: bot was blocked by the user" (others: "Forbidden: user is deactivated",
   * "Forbidden: bot was kicked from the group chat").
   */
  blockChat(chatId: string | number, description?: string): void;
  unblockChat(chatId: string | number): void;
  /** Every later sendMessage to this chat gets 400 "Bad Request: chat not found". */
  forgetChat(chatId: string | number): void;
  /** The next `count` sendMessage calls (any chat) get 429 with `retry_after`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` getUpdates calls get 429 with `retry_after`, as Telegram answers a too-eager poller. */
  rateLimitNextUpdates(count: number, retryAfterSeconds: number): void;
  /** The next `count` calls of `method` (e.g. `setWebhook`, `deleteWebhook`) get 429 with `retry_after`. */
  rateLimitNextCalls(method: string, count: number, retryAfterSeconds: number): void;
  /**
   * The next `count` requests (any method) fail with HTTP `status` (5xx). The body is Telegram's
   * JSON envelope, or with `{ html: true }` an nginx-style HTML error page, as a failing front end
   * sends it.
   */
  failNext(count: number, status?: number, options?: { readonly html?: boolean }): void;
  /** The next `count` requests (any method) are answered only after `delayMs`. */
  delayNext(count: number, delayMs: number): void;
  /** Queues an update for getUpdates; `update_id` is assigned when missing. Returns the stored update. */
  pushUpdate(update: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
  /**
   * Queues the `callback_query` update of a tap on an inline button, as Telegram sends it; returns
   * the query's id (for answerCallbackQuery).
   */
  pushCallbackQuery(tap: CallbackQueryTap): string;
  /** Accepted editMessageText calls, in arrival order. */
  readonly editedMessages: readonly EditedTelegramMessage[];
  /** Accepted answerCallbackQuery calls, in arrival order. */
  readonly answeredCallbackQueries: readonly AnsweredCallbackQuery[];
  /** Forgets sent messages, requests and every programmed behaviour. */
  reset(): void;
  close(): Promise<void>;
}

interface FailurePlan {
  remaining: number;
  readonly status: number;
  readonly html: boolean;
}

interface ApiReply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

interface PollWaiter {
  readonly wake: () => void;
}

const JSON_FIELDS = new Set([
  "link_preview_options",
  "reply_markup",
  "reply_parameters",
  "entities",
  "commands",
  "scope",
  "allowed_updates",
]);
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startTelegramStandIn(options: TelegramStandInOptions): Promise<TelegramStandIn> {
  const token = options.token;
  const botId = Number.parseInt(token.split(":")[0] ?? "", 10) || 100000;
  const botUser = {
    id: botId,
    is_bot: true,
    first_name: "VPA Alerts (test)",
    username: options.botUsername ?? "vpa_alerts_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };

  let sentMessages: SentTelegramMessage[] = [];
  let sentPhotos: SentTelegramPhoto[] = [];
  let editedMessages: EditedTelegramMessage[] = [];
  let answeredCallbackQueries: AnsweredCallbackQuery[] = [];
  /** Callback queries pushed and not answered yet: Telegram takes one answer per query. */
  let openCallbackQueries = new Set<string>();
  let nextCallbackQueryId = 1;
  let requests: TelegramRequestRecord[] = [];
  let commands: BotCommand[] | null = null;
  let webhook: TelegramWebhook | null = null;
  let webhookRoute: string | null = null;
  let webhookDeliveries: WebhookDeliveryRecord[] = [];
  let lostWebhookAnswers = 0;
  let lastWebhookError: { date: number; message: string } | null = null;
  /** update_ids being POSTed right now, and when each failed one may be posted again. */
  const postingUpdates = new Set<number>();
  let webhookRetryAt = new Map<number, { at: number; failures: number }>();
  let webhookTimer: NodeJS.Timeout | undefined;
  /** Aborted by close(): ends every webhook POST in flight. */
  const webhookAbort = new AbortController();
  const webhookRetryMs = options.webhookRetryMs ?? 200;
  const webhookTimeoutMs = options.webhookTimeoutMs ?? 10_000;
  let blockedChats = new Map<string, string>();
  let forgottenChats = new Set<string>();
  let messageCounters = new Map<string, number>();
  let rateLimit = { remaining: 0, retryAfterSeconds: 1 };
  let updatesRateLimit = { remaining: 0, retryAfterSeconds: 1 };
  /** Programmed 429s per method (lower-cased), for methods without a plan of their own above. */
  let methodRateLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  const floodLimits: TelegramFloodLimits | null =
    options.floodControl === undefined || options.floodControl === false
      ? null
      : { ...TELEGRAM_FLOOD_LIMITS, ...(options.floodControl === true ? {} : options.floodControl) };
  /** Arrival times of accepted messages: per chat, and overall (for flood control). */
  let acceptedAt = new Map<string, number[]>();
  let acceptedOverall: number[] = [];
  let failures: FailurePlan[] = [];
  let delays: { remaining: number; delayMs: number }[] = [];
  let updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let waiters: PollWaiter[] = [];
  let closing = false;

  const ok = (result: unknown): ApiReply => ({
    status: 200,
    body: JSON.stringify({ ok: true, result }),
    contentType: "application/json",
  });
  const error = (errorCode: number, description: string, parameters?: Record<string, unknown>): ApiReply => ({
    status: errorCode,
    body: JSON.stringify({
      ok: false,
      error_code: errorCode,
      description,
      ...(parameters === undefined ? {} : { parameters }),
    }),
    contentType: "application/json",
  });
  const badRequest = (detail: string): ApiReply => error(400, `Bad Request: ${detail}`);

  function takeFailure(): FailurePlan | null {
    const plan = failures[0];
    if (plan === undefined) return null;
    plan.remaining -= 1;
    if (plan.remaining <= 0) failures.shift();
    return plan;
  }

  function takeDelay(): number {
    const plan = delays[0];
    if (plan === undefined) return 0;
    plan.remaining -= 1;
    if (plan.remaining <= 0) delays.shift();
    return plan.delayMs;
  }

  /** Seconds the sender must wait before this message to `chatId` is within the limits; 0 if it is. */
  function floodWaitSeconds(chatId: string, now: number): number {
    if (floodLimits === null) return 0;
    acceptedOverall = acceptedOverall.filter((at) => now - at < 1_000);
    const chatTimes = (acceptedAt.get(chatId) ?? []).filter((at) => now - at < 60_000);
    acceptedAt.set(chatId, chatTimes);
    const waits: number[] = [];
    const last = chatTimes.at(-1);
    if (last !== undefined && now - last < floodLimits.perChatIntervalMs) {
      waits.push(last + floodLimits.perChatIntervalMs - now);
    }
    const isGroup = chatId.startsWith("-") || chatId.startsWith("@");
    if (isGroup && chatTimes.length >= floodLimits.groupPerMinute) {
      waits.push(chatTimes[chatTimes.length - floodLimits.groupPerMinute]! + 60_000 - now);
    }
    if (acceptedOverall.length >= floodLimits.overallPerSecond) {
      waits.push(acceptedOverall[acceptedOverall.length - floodLimits.overallPerSecond]! + 1_000 - now);
    }
    return waits.length === 0 ? 0 : Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }

  function recordAccepted(chatId: string, now: number): void {
    if (floodLimits === null) return;
    acceptedAt.set(chatId, [...(acceptedAt.get(chatId) ?? []), now]);
    acceptedOverall.push(now);
  }

  /**
   * What every send to a chat checks first, in Telegram's order: a programmed 429, the chat id,
   * a forgotten or blocked chat, flood control. The chat id and arrival time, or the refusal.
   */
  function admitSend(params: Record<string, unknown>): { chatId: string; now: number } | ApiReply {
    if (rateLimit.remaining > 0) {
      rateLimit.remaining -= 1;
      const seconds = rateLimit.retryAfterSeconds;
      return error(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    const rawChatId = params.chat_id;
    if (rawChatId === undefined || rawChatId === null || String(rawChatId).trim() === "") {
      return badRequest("chat_id is empty");
    }
    const chatId = String(rawChatId).trim();
    if (!/^-?\d+$/.test(chatId) && !/^@[A-Za-z0-9_]{4,}$/.test(chatId)) return badRequest("chat not found");
    if (forgottenChats.has(chatId)) return badRequest("chat not found");
    const blocked = blockedChats.get(chatId);
    if (blocked !== undefined) return error(403, blocked);
    const now = Date.now();
    const floodWait = floodWaitSeconds(chatId, now);
    if (floodWait > 0) {
      return error(429, `Too Many Requests: retry after ${floodWait}`, { retry_after: floodWait });
    }
    return { chatId, now };
  }

  /** The `chat` object of a sent message, as Telegram describes the chat. */
  function chatOf(chatId: string): Record<string, unknown> {
    const numericChatId = Number(chatId);
    return chatId.startsWith("@")
      ? { id: -1001000000000, type: "channel", title: chatId.slice(1), username: chatId.slice(1) }
      : numericChatId < 0
        ? { id: numericChatId, type: chatId.startsWith("-100") ? "supergroup" : "group", title: "Test group" }
        : { id: numericChatId, type: "private", first_name: "Subscriber" };
  }

  function sendMessage(params: Record<string, unknown>): ApiReply {
    const admitted = admitSend(params);
    if ("status" in admitted) return admitted;
    const { chatId, now } = admitted;
    const text =
      typeof params.text === "string" ? params.text : params.text === undefined ? "" : String(params.text);
    const parseMode =
      typeof params.parse_mode === "string" && params.parse_mode !== "" ? params.parse_mode : null;
    let plainText = text;
    let entities: readonly TelegramMessageEntity[] = [];
    if (parseMode !== null) {
      if (parseMode.toLowerCase() === "html") {
        const parsed = parseTelegramHtml(text);
        if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.description}`);
        plainText = parsed.text;
        entities = parsed.entities;
      } else if (parseMode !== "Markdown" && parseMode !== "MarkdownV2") {
        return badRequest("unsupported parse_mode");
      }
    }
    if (plainText.trim() === "") return badRequest("message text is empty");
    if (plainText.length > TELEGRAM_TEXT_MAX_LENGTH) return badRequest("message is too long");
    const messageId = (messageCounters.get(chatId) ?? 0) + 1;
    messageCounters.set(chatId, messageId);
    recordAccepted(chatId, now);
    sentMessages.push({ chatId, messageId, text, parseMode, plainText, entities, params });
    return ok({
      message_id: messageId,
      from: { id: botUser.id, is_bot: true, first_name: botUser.first_name, username: botUser.username },
      chat: chatOf(chatId),
      date: Math.floor(Date.now() / 1000),
      text: plainText,
      ...(entities.length > 0 ? { entities } : {}),
      ...(params.link_preview_options === undefined
        ? {}
        : { link_preview_options: params.link_preview_options }),
    });
  }

  /**
   * sendPhoto with the photo uploaded as a multipart file part (what node-telegram-bot-api sends
   * for an `InputFile`). A `photo` given as a string (a file_id or a URL) is refused: the
   * stand-in keeps no files and fetches no URLs.
   */
  function sendPhoto(params: Record<string, unknown>, files: ReadonlyMap<string, UploadedFile>): ApiReply {
    const admitted = admitSend(params);
    if ("status" in admitted) return admitted;
    const { chatId, now } = admitted;
    const upload = files.get("photo");
    if (upload === undefined) {
      return typeof params.photo === "string" && params.photo !== ""
        ? badRequest("wrong file identifier/HTTP URL specified")
        : badRequest("there is no photo in the request");
    }
    const size = imageSize(upload.bytes);
    if (size === null) return badRequest("IMAGE_PROCESS_FAILED");
    const caption = typeof params.caption === "string" ? params.caption : null;
    const parseMode =
      typeof params.parse_mode === "string" && params.parse_mode !== "" ? params.parse_mode : null;
    let plainCaption = caption ?? "";
    let captionEntities: readonly TelegramMessageEntity[] = [];
    if (caption !== null && parseMode !== null) {
      if (parseMode.toLowerCase() === "html") {
        const parsed = parseTelegramHtml(caption);
        if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.description}`);
        plainCaption = parsed.text;
        captionEntities = parsed.entities;
      } else if (parseMode !== "Markdown" && parseMode !== "MarkdownV2") {
        return badRequest("unsupported parse_mode");
      }
    }
    if (plainCaption.length > TELEGRAM_CAPTION_MAX_LENGTH) return badRequest("message caption is too long");
    const messageId = (messageCounters.get(chatId) ?? 0) + 1;
    messageCounters.set(chatId, messageId);
    recordAccepted(chatId, now);
    sentPhotos.push({
      chatId,
      messageId,
      photo: upload.bytes,
      filename: upload.filename,
      contentType: upload.contentType,
      width: size.width,
      height: size.height,
      caption,
      parseMode,
      plainCaption,
      captionEntities,
      params,
    });
    const fileUniqueId = `AQAD${chatId.replace(/\W/g, "")}x${messageId}`;
    return ok({
      message_id: messageId,
      from: { id: botUser.id, is_bot: true, first_name: botUser.first_name, username: botUser.username },
      chat: chatOf(chatId),
      date: Math.floor(Date.now() / 1000),
      photo: [
        {
          file_id: `AgACAgIAAxkBAAI${fileUniqueId}`,
          file_unique_id: fileUniqueId,
          width: size.width,
          height: size.height,
          file_size: upload.bytes.byteLength,
        },
      ],
      ...(plainCaption === "" ? {} : { caption: plainCaption }),
      ...(captionEntities.length > 0 ? { caption_entities: captionEntities } : {}),
    });
  }

  /** A message the bot sent to this chat, as it reads now (after its last edit), or undefined. */
  function currentMessage(
    chatId: string,
    messageId: number,
  ): { text: string; plainText: string; replyMarkup: unknown } | undefined {
    const edited = editedMessages.findLast((m) => m.chatId === chatId && m.messageId === messageId);
    if (edited !== undefined) return edited;
    const sent = sentMessages.find((m) => m.chatId === chatId && m.messageId === messageId);
    return sent === undefined ? undefined : { ...sent, replyMarkup: sent.params.reply_markup ?? null };
  }

  /** editMessageText of a text message the bot sent (by chat_id and message_id). */
  function editMessageText(params: Record<string, unknown>): ApiReply {
    const chatId = params.chat_id === undefined ? "" : String(params.chat_id).trim();
    const messageId = integerParam(params.message_id);
    if (chatId === "" || messageId === null) return badRequest("message identifier is not specified");
    const current = currentMessage(chatId, messageId);
    if (current === undefined) return badRequest("message to edit not found");
    const text = typeof params.text === "string" ? params.text : "";
    const parseMode =
      typeof params.parse_mode === "string" && params.parse_mode !== "" ? params.parse_mode : null;
    let plainText = text;
    let entities: readonly TelegramMessageEntity[] = [];
    if (parseMode !== null && parseMode.toLowerCase() === "html") {
      const parsed = parseTelegramHtml(text);
      if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.description}`);
      plainText = parsed.text;
      entities = parsed.entities;
    }
    if (plainText.trim() === "") return badRequest("message text is empty");
    if (plainText.length > TELEGRAM_TEXT_MAX_LENGTH) return badRequest("MESSAGE_TOO_LONG");
    const replyMarkup = params.reply_markup ?? null;
    if (replyMarkup !== null) {
      const problem = checkInlineKeyboard(replyMarkup);
      if (problem !== null) return badRequest(problem);
    }
    if (current.text === text && JSON.stringify(current.replyMarkup) === JSON.stringify(replyMarkup)) {
      return badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    editedMessages.push({ chatId, messageId, text, plainText, entities, replyMarkup, params });
    return ok({
      message_id: messageId,
      from: { id: botUser.id, is_bot: true, first_name: botUser.first_name, username: botUser.username },
      chat: chatOf(chatId),
      date: Math.floor(Date.now() / 1000),
      edit_date: Math.floor(Date.now() / 1000),
      text: plainText,
      ...(entities.length > 0 ? { entities } : {}),
      ...(replyMarkup === null ? {} : { reply_markup: replyMarkup }),
    });
  }

  function answerCallbackQuery(params: Record<string, unknown>): ApiReply {
    const id = typeof params.callback_query_id === "string" ? params.callback_query_id : "";
    if (!openCallbackQueries.has(id)) {
      return badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    const text = typeof params.text === "string" && params.text !== "" ? params.text : null;
    if (text !== null && text.length > 200) return badRequest("MESSAGE_TOO_LONG");
    openCallbackQueries.delete(id);
    answeredCallbackQueries.push({
      callbackQueryId: id,
      text,
      showAlert: params.show_alert === true || params.show_alert === "true",
    });
    return ok(true);
  }

  async function getUpdates(params: Record<string, unknown>): Promise<ApiReply> {
    if (updatesRateLimit.remaining > 0) {
      updatesRateLimit.remaining -= 1;
      const seconds = updatesRateLimit.retryAfterSeconds;
      return error(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    if (webhook !== null) {
      return error(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = integerParam(params.offset);
    const limit = Math.min(Math.max(integerParam(params.limit) ?? 100, 1), 100);
    const timeoutSeconds = Math.max(integerParam(params.timeout) ?? 0, 0);
    // Telegram: an offset confirms (and forgets) every update with a smaller id.
    if (offset !== null) updates = updates.filter((update) => (update.update_id as number) >= offset);
    const pending = (): Record<string, unknown>[] => updates.slice(0, limit);
    if (pending().length > 0 || timeoutSeconds === 0 || closing) return ok(pending());
    await new Promise<void>((resolve) => {
      const waiter: PollWaiter = {
        wake: () => {
          clearTimeout(timer);
          waiters = waiters.filter((other) => other !== waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutSeconds * 1000);
      waiters.push(waiter);
    });
    return ok(pending());
  }

  function setMyCommands(params: Record<string, unknown>): ApiReply {
    const list = params.commands;
    if (!Array.isArray(list)) return badRequest('parameter "commands" is required');
    if (list.length > 100) return badRequest("BOT_COMMANDS_TOO_MUCH");
    const parsed: BotCommand[] = [];
    for (const item of list) {
      const command = (item as { command?: unknown }).command;
      const description = (item as { description?: unknown }).description;
      if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command))
        return badRequest("BOT_COMMAND_INVALID");
      if (typeof description !== "string" || description.length < 1 || description.length > 256) {
        return badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      parsed.push({ command, description });
    }
    // Only the default scope and language are kept: enough for the bot-commands tests.
    if (params.scope === undefined && params.language_code === undefined) commands = parsed;
    return ok(true);
  }

  /** setWebhook as Telegram checks it; an empty `url` removes the webhook (as deleteWebhook). */
  function setWebhook(params: Record<string, unknown>): ApiReply {
    const url = typeof params.url === "string" ? params.url : undefined;
    if (url === undefined) return badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    if (params.drop_pending_updates === true || params.drop_pending_updates === "true") updates = [];
    if (url === "") {
      webhook = null;
      return ok(true);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    if (parsed.protocol !== "https:")
      return badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    if (!["", "443", "80", "88", "8443"].includes(parsed.port))
      return badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
    const secretToken = params.secret_token === undefined ? null : String(params.secret_token);
    if (secretToken !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken))
      return badRequest("bad webhook: secret token contains unallowed characters");
    const maxConnections = integerParam(params.max_connections) ?? 40;
    if (maxConnections < 1 || maxConnections > 100) return badRequest("bad webhook: invalid max_connections");
    const allowed = params.allowed_updates;
    if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((t) => typeof t === "string")))
      return badRequest("can't parse allowed updates");
    webhook = { url, secretToken, allowedUpdates: (allowed as string[] | undefined) ?? [], maxConnections };
    webhookRetryAt = new Map();
    lastWebhookError = null;
    queueMicrotask(pumpWebhook);
    return ok(true);
  }

  /** The update's kind: its one field besides update_id (message, callback_query, …). */
  function updateTypeOf(update: Record<string, unknown>): string {
    return Object.keys(update).find((key) => key !== "update_id") ?? "";
  }

  /**
   * POSTs every queued update the webhook may take now: not already being posted, not waiting
   * for its retry, at most `max_connections` at once. Called whenever that may have changed.
   */
  function pumpWebhook(): void {
    clearTimeout(webhookTimer);
    webhookTimer = undefined;
    const target = webhook;
    if (target === null || closing) return;
    // Types the webhook did not ask for are never sent, and so never pending (as Telegram).
    if (target.allowedUpdates.length > 0) {
      updates = updates.filter((update) => target.allowedUpdates.includes(updateTypeOf(update)));
    }
    const now = Date.now();
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const update of updates) {
      if (postingUpdates.size >= target.maxConnections) break;
      const updateId = update.update_id as number;
      if (postingUpdates.has(updateId)) continue;
      const retry = webhookRetryAt.get(updateId);
      if (retry !== undefined && retry.at > now) {
        nextRetry = Math.min(nextRetry, retry.at);
        continue;
      }
      postingUpdates.add(updateId);
      void postUpdate(target, update).finally(() => {
        postingUpdates.delete(updateId);
        pumpWebhook();
      });
    }
    if (Number.isFinite(nextRetry)) {
      webhookTimer = setTimeout(pumpWebhook, Math.max(0, nextRetry - Date.now()));
    }
  }

  async function postUpdate(target: TelegramWebhook, update: Record<string, unknown>): Promise<void> {
    const updateId = update.update_id as number;
    const sentAt = Date.now();
    let status = 0;
    let failure: string | null = null;
    try {
      if (webhookRoute === null) throw new Error("Connection refused");
      const publicUrl = new URL(target.url);
      const response = await fetch(`${webhookRoute}${publicUrl.pathname}${publicUrl.search}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(target.secretToken === null ? {} : { "x-telegram-bot-api-secret-token": target.secretToken }),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([webhookAbort.signal, AbortSignal.timeout(webhookTimeoutMs)]),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) failure = `Wrong response from the webhook: ${status}`;
    } catch (cause) {
      failure =
        cause instanceof Error && cause.name === "TimeoutError"
          ? "Read timeout expired"
          : cause instanceof Error
            ? cause.message
            : String(cause);
    }
    const answerLost = failure === null && lostWebhookAnswers > 0;
    if (answerLost) {
      lostWebhookAnswers -= 1;
      failure = "Read timeout expired";
    }
    webhookDeliveries.push({ updateId, status, secretToken: target.secretToken, sentAt, answerLost });
    if (failure === null) {
      // Confirmed: forgotten, like an update below a getUpdates offset.
      updates = updates.filter((queued) => queued.update_id !== updateId);
      webhookRetryAt.delete(updateId);
      return;
    }
    lastWebhookError = { date: Math.floor(Date.now() / 1000), message: failure };
    const failures = (webhookRetryAt.get(updateId)?.failures ?? 0) + 1;
    webhookRetryAt.set(updateId, {
      at: Date.now() + Math.min(2_000, webhookRetryMs * 2 ** (failures - 1)),
      failures,
    });
  }

  async function dispatch(
    method: string,
    params: Record<string, unknown>,
    files: ReadonlyMap<string, UploadedFile>,
  ): Promise<ApiReply> {
    const methodLimit = methodRateLimits.get(method.toLowerCase());
    if (methodLimit !== undefined && methodLimit.remaining > 0) {
      methodLimit.remaining -= 1;
      const seconds = methodLimit.retryAfterSeconds;
      return error(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    switch (method.toLowerCase()) {
      case "getme":
        return ok(botUser);
      case "sendmessage":
        return sendMessage(params);
      case "sendphoto":
        return sendPhoto(params, files);
      case "editmessagetext":
        return editMessageText(params);
      case "answercallbackquery":
        return answerCallbackQuery(params);
      case "getupdates":
        return getUpdates(params);
      case "setmycommands":
        return setMyCommands(params);
      case "getmycommands":
        return ok(commands ?? []);
      case "deletewebhook":
        webhook = null;
        webhookRetryAt = new Map();
        lastWebhookError = null;
        if (params.drop_pending_updates === true || params.drop_pending_updates === "true") updates = [];
        return ok(true);
      case "setwebhook":
        return setWebhook(params);
      case "getwebhookinfo":
        return ok({
          url: webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: updates.length,
          ...(lastWebhookError === null
            ? {}
            : { last_error_date: lastWebhookError.date, last_error_message: lastWebhookError.message }),
          ...(webhook === null
            ? {}
            : {
                max_connections: webhook.maxConnections,
                ...(webhook.allowedUpdates.length === 0 ? {} : { allowed_updates: webhook.allowedUpdates }),
              }),
        });
      default:
        return error(404, "Not Found");
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const pathMatch = /^\/bot([^/]*)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    const contentType = request.headers["content-type"] ?? null;
    let params: Record<string, unknown> = {};
    let files: ReadonlyMap<string, UploadedFile> = new Map();
    let reply: ApiReply;
    const receivedAt = Date.now();
    const delayMs = takeDelay();
    if (delayMs > 0) await sleep(delayMs);
    try {
      const body = await readBody(request);
      const parsed = parseBody(body, contentType);
      params = { ...decodeParams(url.searchParams), ...parsed.params };
      files = parsed.files;
    } catch (cause) {
      reply = badRequest(cause instanceof Error ? cause.message : "invalid request body");
      send(response, reply);
      return;
    }
    const method = pathMatch?.[2] ?? "";
    const tokenAccepted = pathMatch !== null && decodeURIComponent(pathMatch[1]!) === token;
    const failure = takeFailure();
    if (pathMatch === null) {
      reply = error(404, "Not Found");
    } else if (!tokenAccepted) {
      reply = error(401, "Unauthorized");
    } else if (failure !== null) {
      reply = failure.html ? htmlError(failure.status) : error(failure.status, httpReason(failure.status));
    } else {
      reply = await dispatch(method, params, files);
    }
    requests.push({
      method,
      httpMethod: request.method ?? "GET",
      contentType,
      params,
      tokenAccepted,
      status: reply.status,
      receivedAt,
    });
    send(response, reply);
  }

  const serverOptions =
    options.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeout: options.keepAliveTimeoutMs, keepAliveTimeoutBuffer: 0 };
  const server = createServer(serverOptions, (request, response) => {
    handle(request, response).catch((cause: unknown) => {
      if (!response.headersSent) send(response, error(500, `Internal Server Error: ${String(cause)}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    get sentMessages() {
      return sentMessages;
    },
    get sentPhotos() {
      return sentPhotos;
    },
    get editedMessages() {
      return editedMessages;
    },
    get answeredCallbackQueries() {
      return answeredCallbackQueries;
    },
    pushCallbackQuery(tap) {
      const chatId = String(tap.chatId);
      const id = `${botUser.id}${String(nextCallbackQueryId++).padStart(6, "0")}`;
      openCallbackQueries.add(id);
      const message = currentMessage(chatId, tap.messageId);
      // As pushUpdate queues an update, inline: `this` is not the stand-in's type here.
      updates.push({
        update_id: nextUpdateId++,
        callback_query: {
          id,
          from: {
            id: tap.fromId ?? Math.abs(Number(chatId)),
            is_bot: false,
            first_name: tap.firstName ?? "Subscriber",
          },
          message: {
            message_id: tap.messageId,
            from: {
              id: botUser.id,
              is_bot: true,
              first_name: botUser.first_name,
              username: botUser.username,
            },
            chat: chatOf(chatId),
            date: Math.floor(Date.now() / 1000),
            ...(message === undefined ? {} : { text: message.plainText }),
            ...(message === undefined || message.replyMarkup === null
              ? {}
              : { reply_markup: message.replyMarkup }),
          },
          chat_instance: `-${botUser.id}${chatId.replace(/\D/g, "")}`,
          data: tap.data,
        },
      });
      for (const waiter of [...waiters]) waiter.wake();
      pumpWebhook();
      return id;
    },
    get requests() {
      return requests;
    },
    get commands() {
      return commands;
    },
    get webhookUrl() {
      return webhook?.url ?? null;
    },
    get webhook() {
      return webhook;
    },
    get webhookDeliveries() {
      return webhookDeliveries;
    },
    get pendingUpdates() {
      return updates.length;
    },
    routeWebhook(origin) {
      webhookRoute = origin === null ? null : origin.replace(/\/+$/, "");
      webhookRetryAt = new Map();
      pumpWebhook();
    },
    loseWebhookAnswers(count) {
      lostWebhookAnswers = count;
    },
    get waitingPolls() {
      return waiters.length;
    },
    blockChat(chatId, description = "Forbidden: bot was blocked by the user") {
      blockedChats.set(String(chatId), description);
    },
    unblockChat(chatId) {
      blockedChats.delete(String(chatId));
    },
    forgetChat(chatId) {
      forgottenChats.add(String(chatId));
    },
    rateLimitNext(count, retryAfterSeconds) {
      rateLimit = { remaining: count, retryAfterSeconds };
    },
    rateLimitNextUpdates(count, retryAfterSeconds) {
      updatesRateLimit = { remaining: count, retryAfterSeconds };
    },
    rateLimitNextCalls(method, count, retryAfterSeconds) {
      methodRateLimits.set(method.toLowerCase(), { remaining: count, retryAfterSeconds });
    },
    failNext(count, status = 500, failOptions = {}) {
      failures.push({ remaining: count, status, html: failOptions.html === true });
    },
    delayNext(count, delayMs) {
      delays.push({ remaining: count, delayMs });
    },
    pushUpdate(update) {
      const stored = {
        ...update,
        update_id: typeof update.update_id === "number" ? update.update_id : nextUpdateId,
      };
      nextUpdateId = Math.max(nextUpdateId, stored.update_id + 1);
      updates.push(stored);
      for (const waiter of [...waiters]) waiter.wake();
      pumpWebhook();
      return stored;
    },
    reset() {
      sentMessages = [];
      sentPhotos = [];
      editedMessages = [];
      answeredCallbackQueries = [];
      openCallbackQueries = new Set();
      requests = [];
      commands = null;
      webhook = null;
      webhookDeliveries = [];
      lostWebhookAnswers = 0;
      lastWebhookError = null;
      webhookRetryAt = new Map();
      clearTimeout(webhookTimer);
      blockedChats = new Map();
      forgottenChats = new Set();
      messageCounters = new Map();
      rateLimit = { remaining: 0, retryAfterSeconds: 1 };
      updatesRateLimit = { remaining: 0, retryAfterSeconds: 1 };
      methodRateLimits = new Map();
      acceptedAt = new Map();
      acceptedOverall = [];
      failures = [];
      delays = [];
      updates = [];
    },
    async close() {
      closing = true;
      clearTimeout(webhookTimer);
      webhookAbort.abort();
      for (const waiter of [...waiters]) waiter.wake();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}

function send(response: ServerResponse, reply: ApiReply): void {
  response.writeHead(reply.status, {
    "content-type": reply.contentType,
    "content-length": Buffer.byteLength(reply.body),
  });
  response.end(reply.body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A file part of a multipart/form-data request. */
interface UploadedFile {
  readonly filename: string | null;
  readonly contentType: string | null;
  readonly bytes: Uint8Array;
}

function parseBody(
  raw: Buffer,
  contentType: string | null,
): { params: Record<string, unknown>; files: ReadonlyMap<string, UploadedFile> } {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "multipart/form-data" && raw.length > 0) return parseMultipart(raw, contentType ?? "");
  return { params: parseTextBody(raw.toString("utf8"), contentType), files: new Map() };
}

/**
 * multipart/form-data (RFC 7578): text parts become parameters (JSON-valued ones parsed, as in a
 * form body), file parts (those with a `filename`) are kept as bytes.
 */
function parseMultipart(
  raw: Buffer,
  contentType: string,
): { params: Record<string, unknown>; files: ReadonlyMap<string, UploadedFile> } {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const token = boundary?.[1] ?? boundary?.[2];
  if (token === undefined) throw new Error("multipart/form-data without a boundary");
  const delimiter = Buffer.from(`--${token}`);
  const nextDelimiter = Buffer.from(`\r\n--${token}`);
  const fields = new URLSearchParams();
  const files = new Map<string, UploadedFile>();
  const described: Record<string, unknown> = {};
  let position = raw.indexOf(delimiter);
  if (position === -1) throw new Error("multipart body without its boundary");
  position += delimiter.length;
  for (;;) {
    if (raw.toString("latin1", position, position + 2) === "--") break; // the closing delimiter
    if (raw.toString("latin1", position, position + 2) !== "\r\n")
      throw new Error("malformed multipart body");
    const headersEnd = raw.indexOf("\r\n\r\n", position + 2);
    if (headersEnd === -1) throw new Error("malformed multipart part headers");
    const headers = raw.toString("utf8", position + 2, headersEnd);
    const contentStart = headersEnd + 4;
    const contentEnd = raw.indexOf(nextDelimiter, contentStart);
    if (contentEnd === -1) throw new Error("multipart part without a closing boundary");
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? "";
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error("multipart part without a name");
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    const content = raw.subarray(contentStart, contentEnd);
    if (filename === null) {
      fields.append(name, content.toString("utf8"));
    } else {
      const partType = /^content-type:\s*(.+?)\s*$/im.exec(headers)?.[1] ?? null;
      files.set(name, { filename, contentType: partType, bytes: new Uint8Array(content) });
      described[name] = { filename, contentType: partType, size: content.length };
    }
    position = contentEnd + nextDelimiter.length;
  }
  return { params: { ...decodeParams(fields), ...described }, files };
}

/** Width and height of a PNG (IHDR) or JPEG (first SOFn marker); null for anything else. */
function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (
    data.length >= 24 &&
    data.subarray(0, 8).equals(pngSignature) &&
    data.toString("latin1", 12, 16) === "IHDR"
  ) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    for (let offset = 2; offset + 9 < data.length; ) {
      if (data[offset] !== 0xff) return null;
      const marker = data[offset + 1]!;
      const length = data.readUInt16BE(offset + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return null;
}

function parseTextBody(body: string, contentType: string | null): Record<string, unknown> {
  if (body === "") return {};
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json") {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("JSON body must be an object");
    return parsed as Record<string, unknown>;
  }
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "") {
    return decodeParams(new URLSearchParams(body));
  }
  throw new Error(`unsupported content-type ${mediaType} (the stand-in speaks form and JSON bodies)`);
}

/** Form values are strings on the wire; Telegram parses the JSON-serialized structured fields. */
function decodeParams(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of search) {
    if (JSON_FIELDS.has(key)) {
      try {
        params[key] = JSON.parse(value);
        continue;
      } catch {
        // left as the string: the method decides whether that is an error
      }
    }
    params[key] = value;
  }
  return params;
}

function integerParam(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number.parseInt(value, 10);
  return null;
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return reasons[status] ?? "Internal Server Error";
}

function htmlError(status: number): ApiReply {
  const title = `${status} ${httpReason(status)}`;
  return {
    status,
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    contentType: "text/html",
  };
}
