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
  close(): Promise<void>;
}

export async function startReplayFeed(): Promise<ReplayFeed> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const clients = new Set<WebSocket>();
  let markSubscribed: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    markSubscribed = resolve;
  });
  server.on("connection", (ws) => {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type?: string; symbols?: string[] };
      if (message.type !== "subscribe") return;
      clients.add(ws);
      ws.send(JSON.stringify({ type: "subscribed", symbols: message.symbols ?? [] }));
      markSubscribed();
    });
    ws.on("close", () => clients.delete(ws));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribed: () => subscribed,
    broadcast(frames) {
      for (const client of clients) for (const frame of frames) client.send(frame);
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
