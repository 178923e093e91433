import type { Bar, market } from "@vpa/core";
import { type MarketClockOf, marketClockFor } from "./market-clock-of.ts";
import { sessionBucketAt } from "./session-bucket.ts";
import type { BarUpdateEvent, TickEvent } from "./stream-event.ts";
import { formatBarTime, type StreamTimeframe, TIMEFRAME_MINUTES } from "./stream-timeframe.ts";

/** One OHLCV bar as the rest of the system passes it (vpa-core's `Bar`): thousand VND, time = open time. */
export type StreamBar = Bar;

/** A bar the aggregator has finished. */
export interface ClosedBar {
  readonly symbol: string;
  readonly bar: StreamBar;
  readonly startMs: number;
  readonly endMs: number;
  /**
   * False when the stream may have missed part of the bar: it was built from ticks (or shorter
   * bars) and began before the current connection's subscription, or its last snapshot predates a
   * disconnect. The client replaces such a bar by the HTTP provider's copy.
   */
  readonly complete: boolean;
}

/**
 * - `accepted`: the event changed (or re-stated) the forming bar;
 * - `late`: it belongs to a bar already closed (or older than the forming one) and is ignored —
 *   closed bars are final here; corrections arrive through a backfill, never by reopening a bar;
 * - `outside-session`: a tick (or short bar) outside every trading block;
 * - `unsupported-timeframe`: a bar longer than the stream's timeframe.
 */
export type AggregateOutcome = "accepted" | "late" | "outside-session" | "unsupported-timeframe";

export interface AggregateResult {
  readonly outcome: AggregateOutcome;
  /** Bars this event closed (the previous bar, when the event opened a later one; or its own bar when `closed`). */
  readonly closed: readonly ClosedBar[];
}

export interface BarAggregatorOptions {
  readonly timeframe: StreamTimeframe;
  /** The exchange whose sessions bucket a symbol's ticks (VN30 futures trade on HNX's hours). */
  readonly exchangeOf: (symbol: string) => market.Exchange;
  /** Holiday calendar and session tables, for all symbols or per symbol; default `@vpa/core`'s. */
  readonly marketClock?: MarketClockOf;
  /**
   * How long after a bar's end {@link BarAggregator.flush} still waits for its last messages
   * (a late trade print, or the feed's own `closed` bar). Default 0.
   */
  readonly closeGraceMs?: number;
}

/**
 * Turns ticks and bar snapshots into closed bars of one timeframe — pure: the caller passes the
 * time in (`flush(nowMs)`), nothing here reads a clock.
 *
 * Rules:
 * - A tick goes to the session bucket that contains it (see session-bucket.ts); ticks outside
 *   sessions produce nothing.
 * - A bar message of the stream's own timeframe is its own bucket (the feed defines its bars, even
 *   ones outside the session table, e.g. a derivatives print at 11:30); each snapshot replaces the
 *   previous one, so duplicates are idempotent. A shorter bar (SSI's 1-minute bars into a 15m stream)
 *   is a part of the session bucket that contains its open time; parts merge by time.
 * - A bar closes when an event of a later bucket arrives, when a `closed: true` bar message arrives,
 *   or when `flush(now)` finds `now >= end + closeGraceMs`.
 * - Within the forming bar, order does not matter: open is the earliest tick's price, close the
 *   latest's. An event older than the forming bar, or of a bar already closed, is `late` and ignored.
 *
 * @example
 * const aggregator = createBarAggregator({ timeframe: "15m", exchangeOf: () => "HNX" });
 * aggregator.add({ kind: "tick", symbol: "VN30F1M", timeMs: Date.parse("2024-01-02T09:01:00+07:00"), price: 1130, volume: 5 });
 * aggregator.flush(Date.parse("2024-01-02T09:15:00+07:00")); // [{ bar: { time: "2024-01-02T09:00:00+07:00", ... } }]
 */
export interface BarAggregator {
  add(event: TickEvent | BarUpdateEvent): AggregateResult;
  /** Closes every forming bar whose end (plus the grace) has passed. */
  flush(nowMs: number): ClosedBar[];
  /** The forming bar of `symbol`, if any. */
  forming(symbol: string): StreamBar | null;
  /** The feed went away: forming bars may miss data from now on. */
  markDisconnected(): void;
  /** Subscribed again at `nowMs`: bars that start from now on see every message. */
  markConnected(nowMs: number): void;
}

interface Part {
  firstMs: number;
  lastMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface FormingBar {
  readonly startMs: number;
  readonly endMs: number;
  /** Built from snapshots of whole bars of the stream's timeframe (each complete in itself). */
  readonly snapshots: boolean;
  /** A snapshot bar whose latest snapshot predates a disconnect. */
  stale: boolean;
  readonly parts: Map<string, Part>;
}

interface SymbolState {
  forming: FormingBar | null;
  lastClosedStartMs: number;
}

const TICKS_PART = "ticks";

export function createBarAggregator(options: BarAggregatorOptions): BarAggregator {
  const timeframeMinutes = TIMEFRAME_MINUTES[options.timeframe];
  const closeGraceMs = options.closeGraceMs ?? 0;
  const states = new Map<string, SymbolState>();
  // Accumulated bars (ticks, parts) are complete only if they began after this instant.
  let coveredSinceMs = Number.NEGATIVE_INFINITY;

  function stateOf(symbol: string): SymbolState {
    let state = states.get(symbol);
    if (state === undefined) {
      state = { forming: null, lastClosedStartMs: Number.NEGATIVE_INFINITY };
      states.set(symbol, state);
    }
    return state;
  }

  function close(symbol: string, state: SymbolState): ClosedBar {
    const forming = state.forming!;
    state.forming = null;
    state.lastClosedStartMs = forming.startMs;
    const bar = mergeParts(forming);
    const complete = forming.snapshots ? !forming.stale : forming.startMs >= coveredSinceMs;
    return { symbol, bar, startMs: forming.startMs, endMs: forming.endMs, complete };
  }

  return {
    add(event) {
      const state = stateOf(event.symbol);
      let bucket: { startMs: number; endMs: number } | null;
      let snapshot = false;
      if (event.kind === "bar" && event.timeframeMinutes === timeframeMinutes) {
        bucket = { startMs: event.timeMs, endMs: event.timeMs + timeframeMinutes * 60_000 };
        snapshot = true;
      } else if (event.kind === "bar" && event.timeframeMinutes > timeframeMinutes) {
        return { outcome: "unsupported-timeframe", closed: [] };
      } else {
        bucket = sessionBucketAt(
          options.exchangeOf(event.symbol),
          event.timeMs,
          timeframeMinutes,
          marketClockFor(options.marketClock, event.symbol),
        );
        if (bucket === null) return { outcome: "outside-session", closed: [] };
      }
      if (bucket.startMs <= state.lastClosedStartMs) return { outcome: "late", closed: [] };
      const closed: ClosedBar[] = [];
      if (state.forming !== null) {
        if (bucket.startMs < state.forming.startMs) return { outcome: "late", closed: [] };
        if (bucket.startMs > state.forming.startMs) closed.push(close(event.symbol, state));
      }
      state.forming ??= {
        startMs: bucket.startMs,
        endMs: bucket.endMs,
        snapshots: snapshot,
        stale: false,
        parts: new Map(),
      };
      const forming = state.forming;
      if (event.kind === "tick") {
        mergeTick(forming.parts, event);
      } else {
        const key = snapshot ? "bar" : `part:${event.timeMs}`;
        forming.parts.set(key, {
          firstMs: event.timeMs,
          lastMs: event.timeMs,
          open: event.open,
          high: event.high,
          low: event.low,
          close: event.close,
          volume: event.volume,
        });
        if (snapshot) forming.stale = false;
        if (snapshot && event.closed) closed.push(close(event.symbol, state));
      }
      return { outcome: "accepted", closed };
    },

    flush(nowMs) {
      const closed: ClosedBar[] = [];
      for (const [symbol, state] of states) {
        if (state.forming !== null && nowMs >= state.forming.endMs + closeGraceMs)
          closed.push(close(symbol, state));
      }
      return closed;
    },

    forming(symbol) {
      const forming = states.get(symbol)?.forming;
      return forming == null ? null : mergeParts(forming);
    },

    markDisconnected() {
      coveredSinceMs = Number.POSITIVE_INFINITY;
      for (const state of states.values()) if (state.forming !== null) state.forming.stale = true;
    },

    markConnected(nowMs) {
      coveredSinceMs = nowMs;
    },
  };
}

function mergeTick(parts: Map<string, Part>, tick: TickEvent): void {
  const part = parts.get(TICKS_PART);
  if (part === undefined) {
    parts.set(TICKS_PART, {
      firstMs: tick.timeMs,
      lastMs: tick.timeMs,
      open: tick.price,
      high: tick.price,
      low: tick.price,
      close: tick.price,
      volume: tick.volume,
    });
    return;
  }
  // Ties keep arrival order: a later tick with the same stamp is the later trade.
  if (tick.timeMs < part.firstMs) {
    part.firstMs = tick.timeMs;
    part.open = tick.price;
  }
  if (tick.timeMs >= part.lastMs) {
    part.lastMs = tick.timeMs;
    part.close = tick.price;
  }
  part.high = Math.max(part.high, tick.price);
  part.low = Math.min(part.low, tick.price);
  part.volume += tick.volume;
}

function mergeParts(forming: FormingBar): StreamBar {
  const parts = [...forming.parts.values()];
  const byFirst = [...parts].sort((a, b) => a.firstMs - b.firstMs);
  const byLast = [...parts].sort((a, b) => a.lastMs - b.lastMs);
  return {
    time: formatBarTime(forming.startMs),
    open: byFirst[0]!.open,
    high: Math.max(...parts.map((p) => p.high)),
    low: Math.min(...parts.map((p) => p.low)),
    close: byLast.at(-1)!.close,
    volume: parts.reduce((sum, p) => sum + p.volume, 0),
  };
}
