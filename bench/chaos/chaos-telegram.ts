/**
 * A loopback Telegram Bot API server for the chaos suite: the real wire format (`POST
 * /bot<token>/sendMessage`, form or JSON bodies, `{"ok":…}` envelopes), the real flood limits, and
 * faults injected on demand or by schedule. It records every message it accepted, so the suite can
 * count deliveries per (chat, alert) without trusting the database under test.
 *
 * Methods: sendMessage (the text) and sendPhoto (the caption; form, JSON or multipart upload) are
 * messages; getMe, getUpdates, deleteWebhook and setMyCommands answer trivially.
 *
 * Limits (Telegram's documented ones, enforced with `429 Too Many Requests: retry after N` and
 * `parameters.retry_after`):
 * - per chat about 1 message/s, with a small burst tolerance as Telegram has (a token bucket);
 * - per group chat (negative id) 20 messages in any rolling minute;
 * - per bot 30 messages/s across chats.
 * A refused request consumes nothing; only accepted messages count toward the limits.
 *
 * Faults (see {@link Fault}), applied in this order to each message, as a front end would:
 * 5xx, hang before accepting, 429 storm; then 403 for blocked chats, HTML validation, the limits,
 * acceptance, and the hang after accepting.
 * - hang BEFORE accepting: the request is read, held, then its socket destroyed. Nothing recorded.
 * - hang AFTER accepting: the message is recorded (the user has it), then the answer is held and
 *   the socket destroyed: the client cannot know it went out.
 *
 * The stand-in of `test-support/telegram-stand-in.ts` is for functional tests; this one models
 * load and failure and is the record of truth for the chaos figures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseTelegramHtml } from "../../test-support/telegram-stand-in.ts";

/** The limits this server enforces. */
export interface TelegramLimits {
  /** Sustained messages per second to one chat. @defaultValue 1 */
  readonly perChatPerSecond: number;
  /** Messages a chat that was quiet may take at once. @defaultValue 3 */
  readonly chatBurst: number;
  /** Messages to one group chat (negative id) in any rolling 60 s. @defaultValue 20 */
  readonly groupPerMinute: number;
  /** Messages per second across all chats; also the bot's burst. @defaultValue 30 */
  readonly botPerSecond: number;
}

export const TELEGRAM_LIMITS: TelegramLimits = {
  perChatPerSecond: 1,
  chatBurst: 3,
  groupPerMinute: 20,
  botPerSecond: 30,
};

/** A message the server accepted: the user has it, whatever the client heard back. */
export interface AcceptedMessage {
  readonly chatId: string;
  readonly messageId: number;
  /** `text` as sent (HTML). */
  readonly text: string;
  /** What the user reads (after HTML parsing). */
  readonly plainText: string;
  /** Epoch ms of acceptance. */
  readonly at: number;
  /** `hung`: accepted, then the answer was withheld and the socket destroyed. */
  readonly reply: "answered" | "hung";
}

/** A fault to inject. Counts apply to the next messages (sendMessage, sendPhoto) that reach that stage. */
export type Fault =
  | {
      readonly kind: "server-errors";
      readonly count: number;
      readonly status?: number;
      readonly html?: boolean;
    }
  | { readonly kind: "rate-limit-storm"; readonly durationMs: number; readonly retryAfterSeconds: number }
  | { readonly kind: "hang-before-accept"; readonly count: number; readonly holdMs: number }
  | { readonly kind: "hang-after-accept"; readonly count: number; readonly holdMs: number }
  | { readonly kind: "block"; readonly chatIds: readonly string[]; readonly description?: string };

export interface ScheduledFault {
  /** Milliseconds after `schedule` was called. */
  readonly atMs: number;
  readonly fault: Fault;
}

/** What the server answered, by cause. */
export interface ChaosTelegramStats {
  requests: number;
  accepted: number;
  /** 429 from the enforced limits, by the limit that was hit. */
  limitedByChat: number;
  limitedByGroup: number;
  limitedByBot: number;
  /** 429 injected by a storm. */
  stormRateLimited: number;
  serverErrors: number;
  hungBeforeAccept: number;
  hungAfterAccept: number;
  forbidden: number;
  badRequests: number;
}

export interface ChaosTelegramOptions {
  /** The bot token accepted in request paths. */
  readonly token: string;
  /** @defaultValue {@link TELEGRAM_LIMITS} */
  readonly limits?: TelegramLimits;
}

export interface ChaosTelegram {
  /** For the client's `apiRoot` / TELEGRAM_API_ROOT, e.g. `http://127.0.0.1:41234`. */
  readonly apiRoot: string;
  /** Accepted messages in acceptance order. */
  readonly accepted: readonly AcceptedMessage[];
  readonly stats: Readonly<ChaosTelegramStats>;
  /** Chats that get 403. */
  readonly blockedChats: ReadonlySet<string>;
  inject(fault: Fault): void;
  /** Injects each fault at its time; `cancel` drops the ones not yet injected. */
  schedule(plan: readonly ScheduledFault[]): { readonly done: Promise<void>; cancel(): void };
  /** Turns the flood limits off (e.g. while seeding) or back on. */
  setLimitsEnabled(enabled: boolean): void;
  close(): Promise<void>;
}

interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startChaosTelegram(options: ChaosTelegramOptions): Promise<ChaosTelegram> {
  const limits = options.limits ?? TELEGRAM_LIMITS;
  const botId = Number.parseInt(options.token.split(":")[0] ?? "", 10) || 100000;
  const accepted: AcceptedMessage[] = [];
  const stats: ChaosTelegramStats = {
    requests: 0,
    accepted: 0,
    limitedByChat: 0,
    limitedByGroup: 0,
    limitedByBot: 0,
    stormRateLimited: 0,
    serverErrors: 0,
    hungBeforeAccept: 0,
    hungAfterAccept: 0,
    forbidden: 0,
    badRequests: 0,
  };
  const blocked = new Map<string, string>();
  const messageCounters = new Map<string, number>();
  const chatBuckets = new Map<string, TokenBucket>();
  const groupWindows = new Map<string, number[]>();
  const botBucket: TokenBucket = { tokens: limits.botPerSecond, updatedAt: Date.now() };
  const serverErrorPlans: { remaining: number; status: number; html: boolean }[] = [];
  const hangBeforePlans: { remaining: number; holdMs: number }[] = [];
  const hangAfterPlans: { remaining: number; holdMs: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stormUntil = 0;
  let stormRetryAfter = 1;
  let limitsEnabled = true;

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  function take<T extends { remaining: number }>(plans: T[]): T | null {
    const plan = plans[0];
    if (plan === undefined) return null;
    plan.remaining -= 1;
    if (plan.remaining <= 0) plans.shift();
    return plan;
  }

  function refill(bucket: TokenBucket, capacity: number, perSecond: number, now: number): void {
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
  }

  /** Milliseconds until this chat may receive a message, and which limit holds it; 0 when it may now. */
  function floodWait(
    chatId: string,
    now: number,
  ): { waitMs: number; limit: "chat" | "group" | "bot" | null } {
    refill(botBucket, limits.botPerSecond, limits.botPerSecond, now);
    const chat = chatBuckets.get(chatId) ?? { tokens: limits.chatBurst, updatedAt: now };
    chatBuckets.set(chatId, chat);
    refill(chat, limits.chatBurst, limits.perChatPerSecond, now);
    const waits: { waitMs: number; limit: "chat" | "group" | "bot" }[] = [];
    if (chat.tokens < 1)
      waits.push({ waitMs: ((1 - chat.tokens) / limits.perChatPerSecond) * 1000, limit: "chat" });
    if (chatId.startsWith("-")) {
      const window = (groupWindows.get(chatId) ?? []).filter((at) => at > now - 60_000);
      groupWindows.set(chatId, window);
      if (window.length >= limits.groupPerMinute) {
        waits.push({
          waitMs: (window[window.length - limits.groupPerMinute] ?? now) + 60_000 - now,
          limit: "group",
        });
      }
    }
    if (botBucket.tokens < 1)
      waits.push({ waitMs: ((1 - botBucket.tokens) / limits.botPerSecond) * 1000, limit: "bot" });
    const longest = waits.sort((left, right) => right.waitMs - left.waitMs)[0];
    return longest ?? { waitMs: 0, limit: null };
  }

  function consume(chatId: string, now: number): void {
    botBucket.tokens -= 1;
    const chat = chatBuckets.get(chatId);
    if (chat !== undefined) chat.tokens -= 1;
    if (chatId.startsWith("-")) groupWindows.get(chatId)?.push(now);
  }

  function reply(
    response: ServerResponse,
    status: number,
    body: unknown,
    contentType = "application/json",
  ): void {
    if (response.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    response.end(text);
  }

  function error(
    response: ServerResponse,
    code: number,
    description: string,
    parameters?: Record<string, unknown>,
  ): void {
    reply(response, code, {
      ok: false,
      error_code: code,
      description,
      ...(parameters === undefined ? {} : { parameters }),
    });
  }

  function holdThenDrop(request: IncomingMessage, holdMs: number): void {
    if (holdMs <= 0) request.socket.destroy();
    else later(holdMs, () => request.socket.destroy());
  }

  /** `sendMessage` (the text) or `sendPhoto` (the caption): one message to one chat. */
  function send(
    kind: "message" | "photo",
    request: IncomingMessage,
    response: ServerResponse,
    params: Record<string, unknown>,
  ): void {
    const serverError = take(serverErrorPlans);
    if (serverError !== null) {
      stats.serverErrors++;
      const reason =
        serverError.status === 502
          ? "Bad Gateway"
          : serverError.status === 503
            ? "Service Unavailable"
            : "Internal Server Error";
      if (serverError.html) {
        reply(
          response,
          serverError.status,
          `<html><head><title>${serverError.status} ${reason}</title></head><body><center><h1>${serverError.status} ${reason}</h1></center><hr><center>nginx</center></body></html>`,
          "text/html",
        );
      } else {
        error(response, serverError.status, reason);
      }
      return;
    }
    const hangBefore = take(hangBeforePlans);
    if (hangBefore !== null) {
      stats.hungBeforeAccept++;
      holdThenDrop(request, hangBefore.holdMs);
      return;
    }
    const now = Date.now();
    if (now < stormUntil) {
      stats.stormRateLimited++;
      error(response, 429, `Too Many Requests: retry after ${stormRetryAfter}`, {
        retry_after: stormRetryAfter,
      });
      return;
    }
    const chatId = String(params.chat_id ?? "").trim();
    if (!/^-?\d+$/.test(chatId)) {
      stats.badRequests++;
      error(response, 400, "Bad Request: chat not found");
      return;
    }
    const blockedDescription = blocked.get(chatId);
    if (blockedDescription !== undefined) {
      stats.forbidden++;
      error(response, 403, blockedDescription);
      return;
    }
    const field = kind === "photo" ? params.caption : params.text;
    const text = typeof field === "string" ? field : "";
    const parsed = params.parse_mode === "HTML" ? parseTelegramHtml(text) : { ok: true as const, text };
    if (!parsed.ok) {
      stats.badRequests++;
      error(response, 400, `Bad Request: can't parse entities: ${parsed.description}`);
      return;
    }
    if (kind === "message" && parsed.text.trim() === "") {
      stats.badRequests++;
      error(response, 400, "Bad Request: message text is empty");
      return;
    }
    if (kind === "photo" && (params.photo === undefined || params.photo === "")) {
      stats.badRequests++;
      error(response, 400, "Bad Request: there is no photo in the request");
      return;
    }
    if (limitsEnabled) {
      const wait = floodWait(chatId, now);
      if (wait.limit !== null) {
        if (wait.limit === "chat") stats.limitedByChat++;
        else if (wait.limit === "group") stats.limitedByGroup++;
        else stats.limitedByBot++;
        const retryAfter = Math.max(1, Math.ceil(wait.waitMs / 1000));
        error(response, 429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
        return;
      }
      consume(chatId, now);
    }
    const messageId = (messageCounters.get(chatId) ?? 0) + 1;
    messageCounters.set(chatId, messageId);
    const hangAfter = take(hangAfterPlans);
    accepted.push({
      chatId,
      messageId,
      text,
      plainText: parsed.text,
      at: now,
      reply: hangAfter === null ? "answered" : "hung",
    });
    stats.accepted++;
    if (hangAfter !== null) {
      stats.hungAfterAccept++;
      holdThenDrop(request, hangAfter.holdMs);
      return;
    }
    const numericId = Number(chatId);
    reply(response, 200, {
      ok: true,
      result: {
        message_id: messageId,
        from: { id: botId, is_bot: true, first_name: "VPA Alerts (chaos)", username: "vpa_chaos_bot" },
        chat:
          numericId < 0
            ? { id: numericId, type: "supergroup", title: "Chaos group" }
            : { id: numericId, type: "private", first_name: "Chaos" },
        date: Math.floor(now / 1000),
        ...(kind === "photo"
          ? {
              caption: parsed.text,
              photo: [
                {
                  file_id: `chaos-${chatId}-${messageId}`,
                  file_unique_id: `u${messageId}`,
                  width: 800,
                  height: 450,
                },
              ],
            }
          : { text: parsed.text }),
      },
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    stats.requests++;
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const match = /^\/bot([^/]*)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    let params: Record<string, unknown>;
    try {
      params = {
        ...Object.fromEntries(url.searchParams),
        ...(await parseBody(await readBody(request), request.headers["content-type"])),
      };
    } catch (cause) {
      stats.badRequests++;
      error(response, 400, `Bad Request: ${(cause as Error).message}`);
      return;
    }
    if (match === null) return error(response, 404, "Not Found");
    if (decodeURIComponent(match[1]!) !== options.token) return error(response, 401, "Unauthorized");
    switch (match[2]!.toLowerCase()) {
      case "sendmessage":
        return send("message", request, response, params);
      case "sendphoto":
        return send("photo", request, response, params);
      case "getme":
        return reply(response, 200, {
          ok: true,
          result: { id: botId, is_bot: true, first_name: "VPA Alerts (chaos)", username: "vpa_chaos_bot" },
        });
      case "deletewebhook":
      case "setmycommands":
        return reply(response, 200, { ok: true, result: true });
      case "getupdates":
        return reply(response, 200, { ok: true, result: [] });
      default:
        return error(response, 404, "Not Found");
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) => {
      if (!response.headersSent) error(response, 500, `Internal Server Error: ${String(cause)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  function inject(fault: Fault): void {
    switch (fault.kind) {
      case "server-errors":
        serverErrorPlans.push({
          remaining: fault.count,
          status: fault.status ?? 502,
          html: fault.html === true,
        });
        return;
      case "rate-limit-storm":
        stormUntil = Math.max(stormUntil, Date.now() + fault.durationMs);
        stormRetryAfter = fault.retryAfterSeconds;
        return;
      case "hang-before-accept":
        hangBeforePlans.push({ remaining: fault.count, holdMs: fault.holdMs });
        return;
      case "hang-after-accept":
        hangAfterPlans.push({ remaining: fault.count, holdMs: fault.holdMs });
        return;
      case "block":
        for (const chatId of fault.chatIds)
          blocked.set(chatId, fault.description ?? "Forbidden: bot was blocked by the user");
        return;
    }
  }

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    accepted,
    stats,
    get blockedChats() {
      return new Set(blocked.keys());
    },
    inject,
    schedule(plan) {
      const pending = new Set<NodeJS.Timeout>();
      let finish: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const settle = () => {
        if (pending.size === 0) finish();
      };
      for (const item of plan) {
        const timer = setTimeout(() => {
          pending.delete(timer);
          inject(item.fault);
          settle();
        }, item.atMs);
        pending.add(timer);
      }
      settle();
      return {
        done,
        cancel() {
          for (const timer of pending) clearTimeout(timer);
          pending.clear();
          finish();
        },
      };
    },
    setLimitsEnabled(enabled) {
      limitsEnabled = enabled;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Form, JSON or multipart (a file upload: the file is kept as `{ file, size }`) parameters. */
async function parseBody(body: Buffer, contentType: string | undefined): Promise<Record<string, unknown>> {
  if (body.length === 0) return {};
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json") {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("JSON body must be an object");
    return parsed as Record<string, unknown>;
  }
  if (mediaType === "multipart/form-data") {
    const form = await new Response(new Uint8Array(body), {
      headers: { "content-type": contentType ?? "" },
    }).formData();
    const params: Record<string, unknown> = {};
    for (const [name, value] of form) {
      params[name] = typeof value === "string" ? value : { file: value.name, size: value.size };
    }
    return params;
  }
  return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}
