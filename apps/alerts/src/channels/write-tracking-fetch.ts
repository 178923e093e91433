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
}

export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

export function createWriteTrackingFetch(options: WriteTrackingFetchOptions = {}): {
  fetch: FetchFunction;
  close(): void;
} {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const fetch: FetchFunction = async (input, init = {}) => {
    const url = new URL(String(input));
    const signal = init.signal ?? undefined;
    const { bytes, contentType } = await bodyBytes(init.body ?? null);
    const headers = new Headers(init.headers);
    if (contentType !== null && !headers.has("content-type")) headers.set("content-type", contentType);
    if (bytes !== null) headers.set("content-length", String(bytes.byteLength));
    const transport = url.protocol === "https:" ? https : http;
    const agent = url.protocol === "https:" ? httpsAgent : httpAgent;

    return new Promise<Response>((resolve, reject) => {
      let written = false;
      let settled = false;
      const fail = (code: string, message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        reject(new HttpRequestError(message, { code, requestWritten: written, cause }));
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
