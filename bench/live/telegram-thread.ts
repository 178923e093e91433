/**
 * The loopback Telegram of `--alerts`, in a thread of its own: it stands for a server elsewhere,
 * so the time it stamps a request with must not wait for the stream worker's event loop, which
 * shares this process and is busiest exactly when a bar's HIGH alerts arrive (a whole market's
 * bars just closed). In the bench's main thread each request waited for that burst: the "sent"
 * step read 13-50 ms in a burst against 3-5 ms after it.
 *
 * Messages: in `{ kind: "requests" }` → out every request's chat, method, status, arrival and
 * text (a message's text or a photo's caption, as sent: HTML); in `{ kind: "close" }` → out
 * `{ kind: "closed" }`.
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import { startTelegramStandIn } from "../../test-support/telegram-stand-in.ts";

export interface ThreadRequest {
  readonly method: string;
  readonly chatId: string;
  readonly status: number;
  readonly receivedAt: number;
  /** `text` (sendMessage) or `caption` (sendPhoto) exactly as sent (HTML), or null for none. */
  readonly text: string | null;
}

export interface TelegramThread {
  readonly apiRoot: string;
  requests(): Promise<ThreadRequest[]>;
  close(): Promise<void>;
}

/** How long the bench waits for any answer of the thread (its start, its requests, its close). */
const REPLY_TIMEOUT_MS = 30_000;

/** Starts the stand-in in a worker thread; resolves once it listens. */
export async function startTelegramThread(token: string): Promise<TelegramThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { token } });
  // Every reply is bounded: a thread that died or stopped answering fails the bench, not hangs it.
  const next = <T>(kind: string) =>
    new Promise<T>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const onMessage = (message: { kind: string }) => {
        if (message.kind !== kind) return;
        settle();
        resolve(message as T);
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onExit = (code: number) =>
        onError(new Error(`the Telegram thread exited (${code}) before "${kind}"`));
      const timer = setTimeout(
        () =>
          onError(new Error(`the Telegram thread did not answer "${kind}" within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
    });
  const { apiRoot } = await next<{ apiRoot: string }>("listening");
  return {
    apiRoot,
    async requests() {
      const reply = next<{ requests: ThreadRequest[] }>("requests");
      worker.postMessage({ kind: "requests" });
      return (await reply).requests;
    },
    async close() {
      const closed = next("closed");
      worker.postMessage({ kind: "close" });
      await closed;
      await worker.terminate();
    },
  };
}

function textOf(params: Readonly<Record<string, unknown>>): string | null {
  const text = params.text ?? params.caption;
  return typeof text === "string" ? text : null;
}

if (parentPort !== null && (workerData as { token?: string } | null)?.token !== undefined) {
  const port = parentPort;
  const telegram = await startTelegramStandIn({
    token: (workerData as { token: string }).token,
    floodControl: true,
  });
  port.on("message", async (message: { kind: string }) => {
    if (message.kind === "requests") {
      port.postMessage({
        kind: "requests",
        requests: telegram.requests.map((r) => ({
          method: r.method,
          chatId: String(r.params.chat_id),
          status: r.status,
          receivedAt: r.receivedAt,
          text: textOf(r.params),
        })),
      });
    } else if (message.kind === "close") {
      await telegram.close();
      port.postMessage({ kind: "closed" });
    }
  });
  port.postMessage({ kind: "listening", apiRoot: telegram.apiRoot });
}
