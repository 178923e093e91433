/**
 * A `fetch` for node-telegram-bot-api (its `fetch` option) that knows whether a failed request had
 * been written out in full before it failed. That one bit decides between two delivery outcomes
 * (docs/delivery.md): a request that never left whole cannot have been accepted (retry safely),
 * one that did may have been (uncertain, never resent). The global fetch (undici) does not expose
 * it: a time-out looks the same whether it struck while connecting or while waiting for the answer.
 *
 * Built on node:http(s) with a keep-alive agent. The request body is buffered first (alert
 * messages and chart images are small), then written; `finish` on the request marks it written.
 * The whole response is read before the promise resolves.
 *
 * Idle pooled sockets are closed before the server closes them (`freeSocketTimeoutMs`, 4 s, and
 * 1 s under a server's `Keep-Alive: timeout=N` hint when that is shorter). Without it a request
 * written on a socket the server is just closing as idle fails after it was written ("socket hang
 * up", ECONNRESET): an `uncertain` delivery that was never delivered (docs/delivery.md, "Reused
 * connections"). Node's agent honours the hint only when the agent has a `timeout` of its own.
 */
import http from "node:http";
import https from "node:https";

/** Marks where a request failed: `requestWritten` is true when the whole request had been written. */
export class HttpRequestError extends Error {
  readonly code: string;
  readonly requestWritten: boolean;

  constructor(message: string, options: { code: string; requestWritten: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // An abort keeps the name AbortError so the library classifies it as its own time-out.
    this.name = options.code === "ABORT_ERR" ? "AbortError" : "HttpRequestError";
    this.code = options.code;
    this.requestWritten = options.requestWritten;
  }
}

/** True when `error` (or an error in its cause chain) is a failure after the request was written. */
export function failedAfterRequestWritten(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof HttpRequestError) return current.requestWritten;
    current = current.cause;
  }
  return false;
}

/** True when `error` (or its cause chain) is a failure before the request was fully written. */
export function failedBeforeRequestWritten(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof HttpRequestError) return !current.requestWritten;
    current = current.cause;
  }
  return false;
}

export interface WriteTrackingFetchOptions {
  /** Sockets kept per host. Default 16. */
  readonly maxSockets?: number;
  /**
   * An idle pooled socket is closed after this long, or 1 s before the server's own keep-alive
   * timeout (its `Keep-Alive: timeout=N` hint) when that comes first. Default 4,000 ms: below the
   * 5 s that Node, Apache and many proxies close idle connections at.
   */
  readonly freeSocketTimeoutMs?: number;
}

/** See {@link WriteTrackingFetchOptions.freeSocketTimeoutMs}. */
export const DEFAULT_FREE_SOCKET_TIMEOUT_MS = 4_000;

export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

export function createWriteTrackingFetch(options: WriteTrackingFetchOptions = {}): {
  fetch: FetchFunction;
  close(): void;
} {
  // `timeout` is what closes idle pooled sockets (the agent destroys a free socket on its time-out;
  // an active request only gets a 'timeout' event, which is ignored here: the caller's signal
  // bounds a request). Node lowers it to the server's hint minus 1 s, but only when it is set.
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    timeout: options.freeSocketTimeoutMs ?? DEFAULT_FREE_SOCKET_TIMEOUT_MS,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  // When each pooled socket went idle: a busy event loop runs the agent's idle timer late, so a
  // request also drops the sockets idle for longer than the time-out before it picks one.
  const idleSince = new WeakMap<object, number>();
  for (const agent of [httpAgent, httpsAgent])
    agent.on("free", (socket: object) => idleSince.set(socket, Date.now()));
  const dropStaleSockets = (agent: http.Agent) => {
    const now = Date.now();
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) {
        if (agentOptions.timeout > 0 && now - (idleSince.get(socket) ?? now) >= agentOptions.timeout)
          socket.destroy();
      }
    }
  };

  const fetch: FetchFunction = async (input, init = {}) => {
    const url = new URL(String(input));
    const signal = init.signal ?? undefined;
    const { bytes, contentType } = await bodyBytes(init.body ?? null);
    const headers = new Headers(init.headers);
    if (contentType !== null && !headers.has("content-type")) headers.set("content-type", contentType);
    if (bytes !== null) headers.set("content-length", String(bytes.byteLength));
    const transport = url.protocol === "https:" ? https : http;
    const agent = url.protocol === "https:" ? httpsAgent : httpAgent;
    // Stale sockets are the oldest of the free list, which the agent skips once destroyed.
    dropStaleSockets(agent);

    return new Promise<Response>((resolve, reject) => {
      let written = false;
      let settled = false;
      const fail = (code: string, message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        // Said in the error (and so in the ledger): a reset on a reused connection before any
        // answer is most likely the idle-close race, which an operator weighs before a resend.
        const where = request.reusedSocket ? " (on a reused connection)" : "";
        reject(new HttpRequestError(`${message}${where}`, { code, requestWritten: written, cause }));
      };
      const request = transport.request(url, {
        method: init.method ?? "GET",
        headers: Object.fromEntries(headers.entries()),
        agent,
      });
      const onAbort = () => {
        fail(
          "ABORT_ERR",
          `request aborted${written ? " after it was written" : " before it was written"}`,
          signal?.reason,
        );
        request.destroy();
      };
      request.on("finish", () => {
        written = true;
      });
      request.on("error", (error: NodeJS.ErrnoException) =>
        fail(error.code ?? "ERR_REQUEST", error.message, error),
      );
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error: NodeJS.ErrnoException) =>
          fail(error.code ?? "ERR_RESPONSE", error.message, error),
        );
        response.on("end", () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined)
              responseHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          const status = response.statusCode ?? 0;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(
            new Response(body, {
              status,
              statusText: response.statusMessage ?? "",
              headers: responseHeaders,
            }),
          );
        });
      });
      request.end(bytes ?? undefined);
    });
  };

  return {
    fetch,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

async function bodyBytes(
  body: NonNullable<RequestInit["body"]> | null,
): Promise<{ bytes: Uint8Array | null; contentType: string | null }> {
  if (body === null) return { bytes: null, contentType: null };
  if (typeof body === "string") return { bytes: Buffer.from(body), contentType: null };
  // URLSearchParams, FormData, Blob, streams: let Response serialise them (and name the boundary).
  const response = new Response(body);
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get("content-type"),
  };
}
