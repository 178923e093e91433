/**
 * A stand-in live bar feed for tests: a real `ws` WebSocketServer on 127.0.0.1 speaking the stream's
 * documented JSON format (packages/market-data/src/stream/README.md), replaying recorded bars
 * fast-forwarded: bar i is published at `startedAt + (i + 1) × barIntervalMs` of real time, as a
 * `{"type":"bar",...,"closed":true}` frame to every client subscribed to its symbol.
 *
 * The replay runs on its own clock, not the connection's: `kill()` terminates every client and
 * stops listening, yet the replay keeps advancing; `restart()` listens again on the same port and
 * carries on with the bar that is due by then. The bars published while it was down are never sent —
 * the gap a client must backfill. `replayNow()` is the market time the replay has reached (the end
 * of the newest published bar): give it to the client as its clock.
 *
 * Also: `pausePongs(true)` stops answering pings (a half-dead connection for heartbeat tests);
 * subscriptions are acknowledged with `{"type":"subscribed","symbols":[...]}` unless
 * `acknowledgeSubscriptions: false`; `subscribeDelayMs` makes the server slow to act on a subscribe
 * frame, so a client that backfills before the acknowledgement loses the bars in between.
 * `readReplayBarsCsv` loads a per-symbol CSV such as fixtures/vn30f1m-15m-sample.csv.
 *
 * @example
 * const feed = await startBarStreamStandIn({ symbol: "VN30F1M", timeframe: "15m", bars, barIntervalMs: 20 });
 * feed.startReplay();
 * // ... client connects to feed.url ...
 * await feed.kill(); await sleep(500); await feed.restart();
 * await feed.finished();
 * await feed.close();
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** A recorded bar: `time` is the open time, an ISO instant with +07:00; prices thousand VND. */
export interface ReplayBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface BarStreamStandInOptions {
  readonly symbol: string;
  readonly timeframe: "1m" | "5m" | "15m" | "30m" | "1h";
  /** Oldest first. */
  readonly bars: readonly ReplayBar[];
  /** Real milliseconds between two published bars. Default 20. */
  readonly barIntervalMs?: number;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default true. */
  readonly acknowledgeSubscriptions?: boolean;
  /**
   * Real ms between receiving a subscribe frame and acting on it (a busy server). Bars published
   * meanwhile are not sent to that client: only a client that waits for the acknowledgement before
   * backfilling gets them. Default 0.
   */
  readonly subscribeDelayMs?: number;
  /**
   * Also publish each bar while it forms: at each of these fractions of its time (0 < q < 1), a
   * `"closed":false` snapshot of the bar so far — volume `round(q × volume)`, close moved the
   * fraction q of the way from open to close, high/low the extremes of open and that close. Its
   * market time (`replayNow()`) is `open time + q × bar length`. Default none.
   */
  readonly formingSnapshots?: readonly number[];
  /**
   * Subscriptions of these timeframes get the bars too (a 1h stream fed the 1m bars, which the
   * client aggregates). Default: `timeframe` only.
   */
  readonly servesTimeframes?: readonly string[];
}

export interface BarStreamStandIn {
  /** `ws://127.0.0.1:<port>`; the same after a restart. */
  readonly url: string;
  readonly port: number;
  /** Starts the replay clock (bar 0 is published one interval later). */
  startReplay(): void;
  /** Bars whose publication time has passed (sent or, while down, skipped). */
  publishedCount(): number;
  /**
   * Market time of the replay, epoch ms: end of the newest published bar (before any: bar 0's
   * open), or the time of the newest forming snapshot published after it.
   */
  replayNow(): number;
  /** Terminates every client and stops listening; the replay clock keeps running. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  pausePongs(paused: boolean): void;
  /** Resolves once every bar has been published. */
  finished(): Promise<void>;
  /** Subscribe frames received, in order (one per connection when the client behaves). */
  readonly subscriptions: { readonly symbols: readonly string[]; readonly timeframe: string }[];
  /** Connections accepted so far. */
  connections(): number;
  /** Bars actually sent to at least one client. */
  sentCount(): number;
  close(): Promise<void>;
}

const TIMEFRAME_MS = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
} as const;

/** One frame to publish: bar `bar`'s snapshot at fraction `q` of its time (1: the closed bar). */
interface ReplayFrame {
  readonly bar: number;
  readonly q: number;
}

export async function startBarStreamStandIn(options: BarStreamStandInOptions): Promise<BarStreamStandIn> {
  const intervalMs = options.barIntervalMs ?? 20;
  const barMs = TIMEFRAME_MS[options.timeframe];
  const bars = options.bars;
  const fractions = [...(options.formingSnapshots ?? [])].filter((q) => q > 0 && q < 1).sort((a, b) => a - b);
  const frames: ReplayFrame[] = [];
  for (let i = 0; i < bars.length; i++) {
    for (const q of fractions) frames.push({ bar: i, q });
    frames.push({ bar: i, q: 1 });
  }
  const acknowledge = options.acknowledgeSubscriptions ?? true;
  const servedTimeframes: readonly string[] = options.servesTimeframes ?? [options.timeframe];
  const subscriptions: { symbols: readonly string[]; timeframe: string }[] = [];
  const subscribers = new Set<WebSocket>();
  let startedAt: number | null = null;
  let cursor = 0; // frames published (sent or skipped) so far
  let sent = 0;
  let accepted = 0;
  let pongsPaused = false;
  let server: WebSocketServer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let port = options.port ?? 0;

  /** Bars whose closed frame is due: bar i at `startedAt + (i + 1) × intervalMs`. */
  function dueCount(): number {
    if (startedAt === null) return 0;
    return Math.min(bars.length, Math.floor((Date.now() - startedAt) / intervalMs));
  }

  /** Frames due: bar i's snapshot at q is due at `startedAt + (i + q) × intervalMs`. */
  function dueFrames(): number {
    if (startedAt === null) return 0;
    const elapsed = (Date.now() - startedAt) / intervalMs;
    let due = cursor;
    while (due < frames.length && frames[due]!.bar + frames[due]!.q <= elapsed) due++;
    return due;
  }

  function frameText(frame: ReplayFrame): string {
    const bar = bars[frame.bar]!;
    if (frame.q === 1)
      return JSON.stringify({
        type: "bar",
        symbol: options.symbol,
        timeframe: options.timeframe,
        ...bar,
        closed: true,
      });
    const close = bar.open + frame.q * (bar.close - bar.open);
    return JSON.stringify({
      type: "bar",
      symbol: options.symbol,
      timeframe: options.timeframe,
      time: bar.time,
      open: bar.open,
      high: Math.max(bar.open, close),
      low: Math.min(bar.open, close),
      close,
      volume: Math.round(frame.q * bar.volume),
      closed: false,
    });
  }

  function publishDue(): void {
    const due = dueFrames();
    for (; cursor < due; cursor++) {
      const frame = frames[cursor]!;
      const text = frameText(frame);
      if (subscribers.size > 0 && frame.q === 1) sent++;
      for (const client of subscribers) client.send(text);
    }
  }

  /** Market time of the newest frame published (or skipped). */
  function marketTimeOf(published: number): number {
    if (published === 0) return Date.parse(bars[0]!.time);
    const frame = frames[published - 1]!;
    return Date.parse(bars[frame.bar]!.time) + frame.q * barMs;
  }

  async function listen(): Promise<void> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port, autoPong: false });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    port = (wss.address() as AddressInfo).port;
    wss.on("connection", (ws) => {
      accepted++;
      ws.on("ping", (data) => {
        if (!pongsPaused) ws.pong(data);
      });
      ws.on("message", (data) => {
        let message: { type?: unknown; symbols?: unknown; timeframe?: unknown };
        try {
          message = JSON.parse(String(data));
        } catch {
          ws.send(JSON.stringify({ type: "error", message: "not JSON" }));
          return;
        }
        if (message.type !== "subscribe" || !Array.isArray(message.symbols)) {
          ws.send(JSON.stringify({ type: "error", message: "expected a subscribe message" }));
          return;
        }
        const symbols = message.symbols.map(String);
        const timeframe = String(message.timeframe);
        subscriptions.push({ symbols, timeframe });
        const subscribe = (): void => {
          if (ws.readyState !== ws.OPEN) return;
          publishDue(); // everything due before this moment goes to the clients subscribed before it
          if (symbols.includes(options.symbol) && servedTimeframes.includes(timeframe)) subscribers.add(ws);
          if (acknowledge) ws.send(JSON.stringify({ type: "subscribed", symbols }));
        };
        if ((options.subscribeDelayMs ?? 0) > 0) setTimeout(subscribe, options.subscribeDelayMs);
        else subscribe();
      });
      ws.on("close", () => subscribers.delete(ws));
    });
    server = wss;
    // Whatever fell due while down is skipped, not sent late: a real feed does not replay history.
    cursor = Math.max(cursor, dueFrames());
    timer = setInterval(publishDue, Math.max(1, Math.floor(intervalMs / 4)));
  }

  async function kill(): Promise<void> {
    if (timer !== null) clearInterval(timer);
    timer = null;
    const wss = server;
    server = null;
    if (wss === null) return;
    for (const client of wss.clients) client.terminate();
    subscribers.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  await listen();

  return {
    get url() {
      return `ws://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    subscriptions,
    startReplay() {
      startedAt ??= Date.now();
    },
    publishedCount: () => {
      const published = server === null ? dueFrames() : cursor;
      return published === 0 ? 0 : frames[published - 1]!.bar + (frames[published - 1]!.q === 1 ? 1 : 0);
    },
    replayNow: () => marketTimeOf(server === null ? dueFrames() : cursor),
    kill,
    restart: listen,
    pausePongs(paused) {
      pongsPaused = paused;
    },
    async finished() {
      // While down nothing publishes; the replay clock alone decides.
      while (dueCount() < bars.length || (server !== null && cursor < frames.length)) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    connections: () => accepted,
    sentCount: () => sent,
    close: kill,
  };
}

/**
 * Reads bars from a per-symbol CSV (`Date,Open,High,Low,Close,Volume`, local time
 * `YYYY-MM-DD HH:MM:SS`, prices thousand VND); lines starting with `#` are comments.
 */
export function readReplayBarsCsv(path: string): ReplayBar[] {
  const bars: ReplayBar[] = [];
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    if (line === "" || line.startsWith("#") || line.startsWith("Date,")) continue;
    const [date, open, high, low, close, volume] = line.split(",");
    const time = `${date!.trim().replace(" ", "T")}+07:00`;
    bars.push({
      time,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    });
  }
  return bars;
}
