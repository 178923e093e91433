import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import type { StreamBar } from "./bar-aggregator.ts";
import { createLiveBarStream, type LiveBarStream } from "./live-bar-stream.ts";

/**
 * The client against a scripted feed: ticks and SSI bar snapshots over a real WebSocket on
 * loopback, aggregated on the market clock the test controls. No database: in-memory ports.
 */
const at = (local: string) => Date.parse(`2024-01-02T${local}+07:00`); // a Tuesday

interface Harness {
  stream: LiveBarStream;
  feed: WebSocket;
  stored: Map<string, StreamBar[]>;
  announced: string[];
  setNow(local: string): void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function startHarness(symbols: string[]): Promise<Harness> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  const connected = new Promise<WebSocket>((resolve) => {
    server.on("connection", (ws) => {
      ws.on("message", (data) => {
        const message = JSON.parse(String(data));
        ws.send(JSON.stringify({ type: "subscribed", symbols: message.symbols }));
        resolve(ws);
      });
    });
  });
  let nowMs = at("09:00:00");
  const stored = new Map<string, StreamBar[]>();
  const announced: string[] = [];
  const stream = createLiveBarStream({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    symbols,
    timeframe: "15m",
    exchange: "HOSE",
    provider: { name: "empty", fetchBars: async () => [] },
    storeBars: async (symbol, bars) => {
      stored.set(symbol, [...(stored.get(symbol) ?? []), ...bars]);
    },
    lastStoredBarTime: async () => null,
    onBarClosed: async (symbol, bar) => {
      announced.push(`${symbol} ${bar.time}`);
    },
    now: () => nowMs,
    flushIntervalMs: 5,
  });
  cleanups.push(() => stream.stop());
  stream.start();
  const feed = await connected;
  await waitFor("the subscription", () => stream.status().state === "subscribed");
  return {
    stream,
    feed,
    stored,
    announced,
    setNow: (local) => {
      nowMs = at(local);
    },
  };
}

// `received` counts the subscription acknowledgement too.
const tick = (symbol: string, local: string, price: number, volume: number) =>
  JSON.stringify({ type: "tick", symbol, time: `2024-01-02T${local}+07:00`, price, volume });

describe("createLiveBarStream", () => {
  it("aggregates ticks into a bar closed by the market clock, and reports staleness", async () => {
    const h = await startHarness(["FPT"]);
    h.setNow("09:00:10");
    h.feed.send(tick("FPT", "09:00:05", 95.1, 100));
    h.feed.send(tick("FPT", "09:07:00", 96.0, 300));
    h.feed.send(tick("FPT", "09:03:00", 94.8, 200));
    h.feed.send(tick("FPT", "09:14:59", 95.5, 400));
    h.feed.send(tick("VCB", "09:05:00", 90, 1)); // not subscribed
    h.feed.send("{not json");
    h.feed.send(tick("FPT", "12:00:00", 95, 1)); // lunch
    await waitFor("the ticks", () => h.stream.status().messages.received === 1 + 7);
    expect(h.stored.size).toBe(0); // the bar is still forming
    expect(h.stream.status().symbols.FPT?.formingBar?.volume).toBe(1000);

    h.setNow("09:15:03"); // past the end and the 2 s grace
    await waitFor("the closed bar", () => h.announced.length === 1);
    expect(h.stored.get("FPT")).toEqual([
      { time: "2024-01-02T09:00:00+07:00", open: 95.1, high: 96, low: 94.8, close: 95.5, volume: 1000 },
    ]);
    expect(h.announced).toEqual(["FPT 2024-01-02T09:00:00+07:00"]);
    const status = h.stream.status();
    expect(status.messages).toMatchObject({ invalid: 1, ignored: 1, outsideSession: 1 });
    expect(status.symbols.FPT?.lastBarTime).toBe("2024-01-02T09:00:00+07:00");
    expect(h.stream.stalenessSeconds()).toBe(3); // 09:15:03 − the bar's end 09:15:00
  });

  it("reads SSI bar messages: one-minute snapshots in VND merged into the 15m bar", async () => {
    const h = await startHarness(["SSI"]);
    const ssi = (
      tradingTime: string,
      open: number,
      high: number,
      low: number,
      close: number,
      volume: number,
    ) =>
      JSON.stringify({
        DataType: "B",
        Content: JSON.stringify({
          RType: "B",
          Symbol: "SSI",
          TradingTime: tradingTime,
          Open: open,
          High: high,
          Low: low,
          Close: close,
          Volume: volume,
        }),
      });
    h.setNow("09:16:00");
    h.feed.send(ssi("09:15:10", 32_500, 32_500, 32_500, 32_500, 1_000));
    h.feed.send(ssi("09:15:40", 32_500, 32_600, 32_450, 32_550, 3_000)); // same minute, later state
    h.feed.send(ssi("09:16:20", 32_550, 32_700, 32_550, 32_650, 2_000));
    await waitFor("the snapshots", () => h.stream.status().messages.received === 1 + 3);
    h.setNow("09:30:05");
    await waitFor("the closed bar", () => h.announced.length === 1);
    expect(h.stored.get("SSI")).toEqual([
      { time: "2024-01-02T09:15:00+07:00", open: 32.5, high: 32.7, low: 32.45, close: 32.65, volume: 5_000 },
    ]);
  });

  it("stops cleanly: no reconnect after stop", async () => {
    const h = await startHarness(["FPT"]);
    await h.stream.stop();
    const status = h.stream.status();
    expect(status.state).toBe("stopped");
    expect(status.connected).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.stream.status().connections).toBe(1);
  });
});
