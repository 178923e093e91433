import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * The bench's loopback feed: a `ws` server on 127.0.0.1 speaking the live stream's JSON format
 * (packages/market-data/src/stream/README.md). It acknowledges a subscribe frame and then sends
 * whatever the bench broadcasts; pacing is the bench's (as fast as the stream worker takes it).
 */
export interface ReplayFeed {
  readonly url: string;
  /** Resolves once a client has subscribed (and been acknowledged). */
  subscribed(): Promise<void>;
  /** Sends each frame, in order, to every subscribed client. */
  broadcast(frames: readonly string[]): void;
  /** Terminates every client and stops listening (a feed outage). */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startReplayFeed(): Promise<ReplayFeed> {
  const clients = new Set<WebSocket>();
  let markSubscribed: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    markSubscribed = resolve;
  });
  let server: WebSocketServer | null = null;
  let port = 0;

  async function listen(): Promise<void> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    port = (wss.address() as AddressInfo).port;
    wss.on("connection", (ws) => {
      ws.on("message", (data) => {
        const message = JSON.parse(String(data)) as { type?: string; symbols?: string[] };
        if (message.type !== "subscribe") return;
        clients.add(ws);
        ws.send(JSON.stringify({ type: "subscribed", symbols: message.symbols ?? [] }));
        markSubscribed();
      });
      ws.on("close", () => clients.delete(ws));
    });
    server = wss;
  }

  async function kill(): Promise<void> {
    const wss = server;
    server = null;
    if (wss === null) return;
    for (const client of wss.clients) client.terminate();
    clients.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  await listen();
  return {
    url: `ws://127.0.0.1:${port}`,
    subscribed: () => subscribed,
    broadcast(frames) {
      for (const client of clients) for (const frame of frames) client.send(frame);
    },
    kill,
    restart: listen,
    close: kill,
  };
}
