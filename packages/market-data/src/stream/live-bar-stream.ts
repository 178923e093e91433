import type { market } from "@vpa/core";
import WebSocket from "ws";
import { type BackoffOptions, backoffDelayMs } from "../http/backoff-delay.ts";
import { type AggregateOutcome, createBarAggregator, type StreamBar } from "./bar-aggregator.ts";
import {
  type BackfillSource,
  type BarLedgerCounters,
  type BarStorePorts,
  createBarLedger,
  type LedgerEvent,
} from "./bar-ledger.ts";
import { decodeStreamMessage } from "./decode-stream-message.ts";
import { type MarketClockOf, marketClockFor } from "./market-clock-of.ts";
import { sessionBucketAt } from "./session-bucket.ts";
import { parseBarTime, type StreamTimeframe, TIMEFRAME_MINUTES } from "./stream-timeframe.ts";

export interface LiveBarStreamOptions extends BarStorePorts {
  /** `ws://` or `wss://` URL of the feed. */
  readonly url: string;
  /** Symbols to subscribe (upper-cased). */
  readonly symbols: readonly string[];
  readonly timeframe: StreamTimeframe;
  /** Exchange whose sessions bucket ticks: one for all symbols, or per symbol. */
  readonly exchange: market.Exchange | ((symbol: string) => market.Exchange);
  /** The HTTP provider that fills gaps (a `BarProvider` from providers/ fits). */
  readonly provider: BackfillSource;
  /** Label of this stream in status and metrics. Default `"stream"`. */
  readonly name?: string;
  /**
   * The market clock, epoch ms: closes bars (`flush`), bounds backfills, measures staleness.
   * Default `Date.now`. Timers (heartbeat, reconnect) always use real time.
   */
  readonly now?: () => number;
  /** Ping the server this often (ms). Default 15,000. */
  readonly pingIntervalMs?: number;
  /** Terminate the connection when a ping has no pong within this (ms). Default 10,000. */
  readonly pongTimeoutMs?: number;
  /** Give up an opening handshake after this (ms). Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * Wait this long (ms) for the server's `subscribed` acknowledgement before the backfill runs
   * anyway (feeds that send none). Default 5,000.
   */
  readonly subscribeAckTimeoutMs?: number;
  /** Reconnect waits. Default `{ baseMs: 500, maxMs: 30000, jitter: 0.5 }`; reset by a subscription. */
  readonly reconnectBackoff?: BackoffOptions;
  /** Waits between retries of failed port/provider calls. Default `{ baseMs: 500, maxMs: 30000, jitter: 0.5 }`. */
  readonly retryBackoff?: BackoffOptions;
  /** How often forming bars are checked for their end (ms). Default 1,000. */
  readonly flushIntervalMs?: number;
  /** Market-time wait after a bar's end for its last messages before the flush closes it (ms). Default 2,000. */
  readonly closeGraceMs?: number;
  /** Backfill depth when nothing is stored yet (ms). Default 3 days. */
  readonly initialBackfillMs?: number;
  /**
   * Holiday calendar and session tables, for all symbols or per symbol (VN30 futures: the
   * derivatives' hours); default `@vpa/core`'s.
   */
  readonly marketClock?: MarketClockOf;
  /** Waits for in-flight commits on `stop()` before abandoning them (ms). Default 5,000. */
  readonly drainTimeoutMs?: number;
  /** [0, 1) source of the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** The subscribe frame. Default `{"type":"subscribe","symbols":[...],"timeframe":"15m"}`. */
  readonly subscribeMessage?: (symbols: readonly string[], timeframe: StreamTimeframe) => string;
  /** Everything worth a log line or a counter. Must not throw. */
  readonly onEvent?: (event: LiveBarStreamEvent) => void;
  /**
   * The forming bar of `symbol` changed (a tick, or a snapshot of an unfinished bar): the bar so
   * far, the end of its bucket (epoch ms, cut at the trading block's end) and the market time.
   * For provisional evaluation (vpa-signals.md §10). Synchronous; a throw is ignored; never
   * called for a bar that has closed.
   */
  readonly onBarForming?: (symbol: string, bar: StreamBar, endMs: number, nowMs: number) => void;
}

export type LiveBarStreamEvent =
  | LedgerEvent
  | { readonly type: "connecting"; readonly attempt: number }
  | { readonly type: "connected" }
  | { readonly type: "subscribed"; readonly acknowledged: boolean }
  | { readonly type: "disconnected"; readonly code: number; readonly reason: string }
  | { readonly type: "reconnect-scheduled"; readonly attempt: number; readonly delayMs: number }
  | { readonly type: "heartbeat-timeout" }
  | { readonly type: "socket-error"; readonly error: unknown }
  | { readonly type: "invalid-message"; readonly error: unknown }
  | { readonly type: "server-error"; readonly message: string }
  | {
      readonly type: "data-ignored";
      readonly symbol: string;
      readonly reason: Exclude<AggregateOutcome, "accepted"> | "not-subscribed";
    };

export type LiveBarStreamState = "idle" | "connecting" | "open" | "subscribed" | "waiting" | "stopped";

export interface SymbolStreamStatus {
  /** Newest stored bar (from this process or found in the store), or null. */
  readonly lastBarTime: string | null;
  readonly formingBar: StreamBar | null;
  /** Seconds of market clock since this symbol's newest data; null before any. */
  readonly stalenessSeconds: number | null;
}

export interface LiveBarStreamStatus {
  readonly name: string;
  readonly url: string;
  readonly state: LiveBarStreamState;
  readonly connected: boolean;
  /** Successful opens, the first included. */
  readonly connections: number;
  /** Successful opens after the first. */
  readonly reconnects: number;
  /** Market-clock time of the last frame received, or null. */
  readonly lastMessageAt: number | null;
  readonly lastError: string | null;
  readonly messages: {
    readonly received: number;
    readonly invalid: number;
    /** Data for bars already closed (or older than the forming one). */
    readonly late: number;
    readonly outsideSession: number;
    readonly ignored: number;
  };
  readonly bars: BarLedgerCounters;
  readonly symbols: Readonly<Record<string, SymbolStreamStatus>>;
}

/**
 * A live bar stream: one WebSocket connection, its subscription, the tick→bar aggregation and the
 * exactly-once commit of closed bars with backfill of every gap. See README.md for the formats and
 * the wiring.
 */
export interface LiveBarStream {
  readonly name: string;
  /** Connects (and keeps reconnecting) until `stop()`. */
  start(): void;
  /** Closes the connection, drains in-flight commits (up to `drainTimeoutMs`), stops every timer. */
  stop(): Promise<void>;
  status(): LiveBarStreamStatus;
  /**
   * `data_staleness_seconds` of this stream: the largest staleness among its symbols that have
   * data, or null when none has. It grows outside trading hours too; alert on it only while
   * `market.isMarketOpen`.
   */
  stalenessSeconds(): number | null;
  /** Resolves when every queued commit and backfill has finished (tests, shutdown). */
  idle(): Promise<void>;
}

const STREAM_DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

/**
 * @example
 * const stream = createLiveBarStream({
 *   url: "wss://feed.example/stream", symbols: ["VN30F1M"], timeframe: "15m", exchange: "HNX",
 *   provider: createUdfProvider({ baseUrl }),
 *   storeBars: (symbol, bars) => upsertBars(db, stockIds.get(symbol)!, "15m", bars).then(() => {}),
 *   lastStoredBarTime: async (symbol) => (await listLatestBars(db, "15m", [symbol]))[0]?.time ?? null,
 *   onBarClosed: async (symbol, bar) => {
 *     const payload = { symbol, timeframe: "15m", barTime: bar.time } as const;
 *     await analyzeQueue.add(payload, { jobId: analyzeJobId(payload, instance) });
 *   },
 * });
 * stream.start();
 */
export function createLiveBarStream(options: LiveBarStreamOptions): LiveBarStream {
  const name = options.name ?? "stream";
  const protocol = URL.canParse(options.url) ? new URL(options.url).protocol : null;
  if (protocol !== "ws:" && protocol !== "wss:")
    throw new RangeError(`stream url must be ws:// or wss://: ${JSON.stringify(options.url)}`);
  if (options.symbols.length === 0) throw new RangeError("stream needs at least one symbol");
  const symbols = [...new Set(options.symbols.map((s) => s.trim().toUpperCase()))];
  const subscribed = new Set(symbols);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
  const ackTimeoutMs = options.subscribeAckTimeoutMs ?? 5_000;
  const reconnectBackoff = options.reconnectBackoff ?? STREAM_DEFAULT_BACKOFF;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
  const exchange = options.exchange;
  const exchangeOf = typeof exchange === "function" ? exchange : () => exchange;
  const emit = (event: LiveBarStreamEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logging hook must not break the stream.
    }
  };

  const stopController = new AbortController();
  const aggregator = createBarAggregator({
    timeframe: options.timeframe,
    exchangeOf,
    marketClock: options.marketClock,
    closeGraceMs: options.closeGraceMs ?? 2_000,
  });
  aggregator.markDisconnected();
  const ledger = createBarLedger({
    storeBars: (symbol, bars) => options.storeBars(symbol, bars),
    lastStoredBarTime: (symbol) => options.lastStoredBarTime(symbol),
    onBarClosed: (symbol, bar) => options.onBarClosed(symbol, bar),
    source: options.provider,
    timeframe: options.timeframe,
    exchangeOf,
    marketClock: options.marketClock,
    now,
    initialBackfillMs: options.initialBackfillMs ?? 3 * 86_400_000,
    retryBackoff: options.retryBackoff ?? STREAM_DEFAULT_BACKOFF,
    random,
    signal: stopController.signal,
    onEvent: emit,
  });

  let state: LiveBarStreamState = "idle";
  let socket: WebSocket | null = null;
  let connections = 0;
  let reconnectAttempt = 0;
  let lastMessageAt: number | null = null;
  let lastError: string | null = null;
  const messages = { received: 0, invalid: 0, late: 0, outsideSession: 0, ignored: 0 };
  const lastDataAt = new Map<string, number>();
  let reconnectTimer: NodeJS.Timeout | null = null;
  let flushTimer: NodeJS.Timeout | null = null;

  function commitFlushed(): void {
    for (const closed of aggregator.flush(now())) ledger.commit(closed);
  }

  function connect(): void {
    reconnectTimer = null;
    if (state === "stopped") return;
    state = "connecting";
    emit({ type: "connecting", attempt: reconnectAttempt });
    const ws = new WebSocket(options.url, { handshakeTimeout: options.connectTimeoutMs ?? 10_000 });
    socket = ws;
    let pingTimer: NodeJS.Timeout | null = null;
    let pongTimer: NodeJS.Timeout | null = null;
    let ackTimer: NodeJS.Timeout | null = null;
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    let isReady = false;

    function becomeSubscribed(acknowledged: boolean): void {
      if (isReady) return;
      isReady = true;
      if (ackTimer !== null) clearTimeout(ackTimer);
      // From here on the server sends every message of our symbols: bars starting now are whole.
      aggregator.markConnected(now());
      reconnectAttempt = 0;
      if (state === "open") state = "subscribed";
      emit({ type: "subscribed", acknowledged });
      markReady();
    }

    ws.on("open", () => {
      state = "open";
      connections++;
      emit({ type: "connected" });
      const frame =
        options.subscribeMessage?.(symbols, options.timeframe) ??
        JSON.stringify({ type: "subscribe", symbols, timeframe: options.timeframe });
      ws.send(frame);
      // Queued now, ahead of any bar this connection delivers; each waits for the subscription so
      // the provider is asked only once the server sends everything newer (no bar falls between).
      for (const symbol of symbols) ledger.backfill(symbol, ready);
      ackTimer = setTimeout(() => becomeSubscribed(false), ackTimeoutMs);
      pingTimer = setInterval(() => {
        if (pongTimer !== null) return;
        pongTimer = setTimeout(() => {
          emit({ type: "heartbeat-timeout" });
          lastError = "no pong within the timeout";
          ws.terminate();
        }, pongTimeoutMs);
        ws.ping();
      }, pingIntervalMs);
    });

    ws.on("pong", () => {
      if (pongTimer !== null) clearTimeout(pongTimer);
      pongTimer = null;
    });

    ws.on("message", (data: WebSocket.RawData) => {
      const receivedAt = now();
      messages.received++;
      lastMessageAt = receivedAt;
      let event: ReturnType<typeof decodeStreamMessage>;
      try {
        event = decodeStreamMessage(rawDataToText(data), receivedAt);
      } catch (error) {
        messages.invalid++;
        emit({ type: "invalid-message", error });
        return;
      }
      switch (event.kind) {
        case "subscribed":
          becomeSubscribed(true);
          return;
        case "error":
          emit({ type: "server-error", message: event.message });
          return;
        case "ignored":
          return;
        case "tick":
        case "bar": {
          if (!subscribed.has(event.symbol)) {
            messages.ignored++;
            emit({ type: "data-ignored", symbol: event.symbol, reason: "not-subscribed" });
            return;
          }
          lastDataAt.set(event.symbol, receivedAt);
          const result = aggregator.add(event);
          if (result.outcome !== "accepted") {
            if (result.outcome === "late") messages.late++;
            else if (result.outcome === "outside-session") messages.outsideSession++;
            else messages.ignored++;
            emit({ type: "data-ignored", symbol: event.symbol, reason: result.outcome });
          }
          for (const closed of result.closed) ledger.commit(closed);
          if (options.onBarForming !== undefined && result.outcome === "accepted")
            announceForming(event.symbol, receivedAt);
          return;
        }
        default: {
          const unknown: never = event;
          throw new Error(`unhandled stream event ${JSON.stringify(unknown)}`);
        }
      }
    });

    ws.on("error", (error) => {
      lastError = error.message;
      emit({ type: "socket-error", error });
    });

    ws.on("close", (code, reason) => {
      if (pingTimer !== null) clearInterval(pingTimer);
      if (pongTimer !== null) clearTimeout(pongTimer);
      if (ackTimer !== null) clearTimeout(ackTimer);
      aggregator.markDisconnected();
      // Backfills queued for this connection run anyway: they fill what they can.
      markReady();
      if (socket === ws) socket = null;
      emit({ type: "disconnected", code, reason: reason.toString() });
      if (state === "stopped") return;
      state = "waiting";
      const delayMs = backoffDelayMs(reconnectAttempt, reconnectBackoff, random);
      reconnectAttempt++;
      emit({ type: "reconnect-scheduled", attempt: reconnectAttempt, delayMs });
      reconnectTimer = setTimeout(connect, delayMs);
    });
  }

  function announceForming(symbol: string, nowMs: number): void {
    const bar = aggregator.forming(symbol);
    if (bar === null) return;
    const startMs = parseBarTime(bar.time);
    const minutes = TIMEFRAME_MINUTES[options.timeframe];
    const bucket = sessionBucketAt(
      exchangeOf(symbol),
      startMs,
      minutes,
      marketClockFor(options.marketClock, symbol),
    );
    const endMs = bucket !== null && bucket.startMs === startMs ? bucket.endMs : startMs + minutes * 60_000;
    try {
      options.onBarForming?.(symbol, bar, endMs, nowMs);
    } catch {
      // A provisional evaluation must not break the stream.
    }
  }

  function stalenessOf(symbol: string, nowMs: number): number | null {
    const received = lastDataAt.get(symbol);
    const stored = ledger.lastBarEndMs(symbol);
    const newest = Math.max(received ?? Number.NEGATIVE_INFINITY, stored ?? Number.NEGATIVE_INFINITY);
    return Number.isFinite(newest) ? Math.max(0, (nowMs - newest) / 1000) : null;
  }

  return {
    name,
    start() {
      if (state !== "idle") throw new Error(`stream ${name} was already started`);
      flushTimer = setInterval(commitFlushed, options.flushIntervalMs ?? 1_000);
      connect();
    },

    async stop() {
      if (state === "stopped") return;
      state = "stopped";
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      if (flushTimer !== null) clearInterval(flushTimer);
      const ws = socket;
      if (ws !== null) {
        const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
        ws.terminate();
        await closed;
      }
      let drainTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        ledger.idle(),
        new Promise<void>((resolve) => {
          drainTimer = setTimeout(resolve, drainTimeoutMs);
        }),
      ]);
      clearTimeout(drainTimer);
      stopController.abort(new Error(`stream ${name} stopped`));
      await ledger.idle();
    },

    status() {
      const nowMs = now();
      const perSymbol: Record<string, SymbolStreamStatus> = {};
      for (const symbol of symbols) {
        perSymbol[symbol] = {
          lastBarTime: ledger.lastBarTime(symbol),
          formingBar: aggregator.forming(symbol),
          stalenessSeconds: stalenessOf(symbol, nowMs),
        };
      }
      return {
        name,
        url: options.url,
        state,
        connected: state === "open" || state === "subscribed",
        connections,
        reconnects: Math.max(0, connections - 1),
        lastMessageAt,
        lastError,
        messages: { ...messages },
        bars: ledger.counters(),
        symbols: perSymbol,
      };
    },

    stalenessSeconds() {
      const nowMs = now();
      let worst: number | null = null;
      for (const symbol of symbols) {
        const staleness = stalenessOf(symbol, nowMs);
        if (staleness !== null && (worst === null || staleness > worst)) worst = staleness;
      }
      return worst;
    },

    idle: () => ledger.idle(),
  };
}

function rawDataToText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
