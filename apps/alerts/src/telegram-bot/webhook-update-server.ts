import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

/** What became of an update the server took: the HTTP answer Telegram gets follows from it. */
export type WebhookVerdict =
  /** New: it will be handled (200). */
  | "accepted"
  /** Taken before (Telegram posting again): nothing done (200, so Telegram stops). */
  | "duplicate"
  /** Too much in hand: not taken (503, Telegram posts it again later). */
  | "busy";

/** One update as Telegram posts it: its id and one field naming its kind (message, callback_query, …). */
export interface WebhookUpdate {
  readonly update_id: number;
  readonly [kind: string]: unknown;
}

export interface WebhookUpdateServerOptions {
  readonly port: number;
  /** @defaultValue "0.0.0.0" */
  readonly host?: string;
  /** The path of the public webhook URL (Telegram posts there; a proxy passes the path on). */
  readonly path: string;
  /** setWebhook's `secret_token`: a request without it in X-Telegram-Bot-Api-Secret-Token gets 401. */
  readonly secretToken: string;
  /**
   * The largest body read (413 above). Telegram's updates are a few KiB; a long message with
   * entities stays under 64 KiB.
   * @defaultValue 256 KiB
   */
  readonly maxBodyBytes?: number;
  /** A request not fully received within this long is cut off. @defaultValue 10 000 ms */
  readonly requestTimeoutMs?: number;
  /**
   * Takes one authenticated, well-formed update, quickly (a Redis claim, not the command): the
   * answer Telegram waits for depends on it. A rejection answers 503 (Telegram posts it again).
   */
  readonly receive: (update: WebhookUpdate) => Promise<WebhookVerdict>;
  readonly logger: Logger;
}

export interface WebhookUpdateServer {
  readonly port: number;
  /**
   * Stops taking updates: the port closes, and a request still arriving on an open connection
   * gets 503 (Telegram posts it again, to whichever worker then listens). Resolves once the
   * server has closed, within `graceMs` (connections still open then are cut).
   */
  stopAccepting(graceMs?: number): Promise<void>;
}

/** SHA-256 first: timingSafeEqual needs equal lengths, and the digest hides the secret's length. */
const digestOf = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * The HTTP endpoint Telegram posts the bot's updates to in webhook mode, on its own port: it faces
 * the internet through a proxy or Ingress, so it answers nothing but POSTs to the webhook path,
 * and /health and /metrics stay on the worker's private health port.
 *
 * Order of checks, cheapest first, nothing read or handled before the caller is known: the path
 * (404), the method (405), the secret token (401, compared in constant time), the body size (413),
 * the JSON (400); then `receive` decides 200 or 503. Telegram takes any non-2xx as "try again".
 */
export async function startWebhookUpdateServer(
  options: WebhookUpdateServerOptions,
): Promise<WebhookUpdateServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const secretDigest = digestOf(options.secretToken);
  const logger = options.logger;
  let accepting = true;

  const answer = (
    response: ServerResponse,
    status: number,
    body: object,
    headers: Record<string, string> = {},
  ) => {
    if (response.headersSent) return;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      "cache-control": "no-store",
      ...(accepting ? {} : { connection: "close" }),
      ...headers,
    });
    response.end(text);
  };

  /** The body, or null once it has passed `maxBodyBytes` (the request is then answered 413). */
  const readBody = (request: IncomingMessage): Promise<Buffer | null> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          request.removeAllListeners("data");
          request.pause();
          resolve(null);
          return;
        }
        chunks.push(chunk);
      });
      request.on("end", () => resolve(Buffer.concat(chunks)));
      request.on("error", reject);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? "/").split("?")[0];
    if (path !== options.path) return answer(response, 404, { error: "not found" });
    if (request.method !== "POST")
      return answer(response, 405, { error: "method not allowed" }, { allow: "POST" });
    const presented = request.headers["x-telegram-bot-api-secret-token"];
    if (typeof presented !== "string" || !timingSafeEqual(digestOf(presented), secretDigest)) {
      logger.warn(
        { remoteAddress: request.socket.remoteAddress },
        "webhook request without the right secret token; refused",
      );
      return answer(response, 401, { error: "unauthorized" }, { connection: "close" });
    }
    if (!accepting) return answer(response, 503, { error: "shutting down" }, { "retry-after": "1" });
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > maxBodyBytes)
      return answer(response, 413, { error: "body too large" }, { connection: "close" });
    const body = await readBody(request);
    if (body === null) return answer(response, 413, { error: "body too large" }, { connection: "close" });
    let update: WebhookUpdate;
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      const updateId = (parsed as { update_id?: unknown } | null)?.update_id;
      if (typeof updateId !== "number" || !Number.isSafeInteger(updateId)) throw new Error("no update_id");
      update = parsed as WebhookUpdate;
    } catch {
      return answer(response, 400, { error: "not a Telegram update" });
    }
    // Taken between the checks above and now: Telegram posts it again to a worker still running.
    if (!accepting) return answer(response, 503, { error: "shutting down" }, { "retry-after": "1" });
    let verdict: WebhookVerdict;
    try {
      verdict = await options.receive(update);
    } catch (err) {
      logger.warn(
        { err, updateId: update.update_id },
        "could not take a webhook update; Telegram will post it again",
      );
      return answer(response, 503, { error: "unavailable" }, { "retry-after": "1" });
    }
    if (verdict === "busy") return answer(response, 503, { error: "busy" }, { "retry-after": "1" });
    return answer(response, 200, {});
  };

  const server: Server = createServer(
    { requestTimeout: options.requestTimeoutMs ?? 10_000, headersTimeout: 5_000 },
    (request, response) => {
      handle(request, response).catch((err: unknown) => {
        logger.error({ err }, "webhook request failed");
        answer(response, 500, { error: "internal error" });
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => logger.error({ err }, "webhook server error"));

  return {
    port: (server.address() as AddressInfo).port,
    stopAccepting(graceMs = 1_000) {
      accepting = false;
      return new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
