import type { market } from "@vpa/core";
import { type BackoffOptions, backoffDelayMs } from "../http/backoff-delay.ts";
import { SYSTEM_CLOCK } from "../http/clock.ts";
import type { ClosedBar, StreamBar } from "./bar-aggregator.ts";
import { type MarketClockOf, marketClockFor } from "./market-clock-of.ts";
import { sessionBucketAt } from "./session-bucket.ts";
import { formatBarTime, parseBarTime, type StreamTimeframe, TIMEFRAME_MINUTES } from "./stream-timeframe.ts";

/**
 * Where closed bars go. The stream knows nothing of PostgreSQL or BullMQ: the process that runs it
 * wires these to `upsertBars` and the analyze queue.
 */
export interface BarStorePorts {
  /** Stores bars (oldest first). MUST be idempotent by bar time: a retry may repeat a call. */
  storeBars(symbol: string, bars: readonly StreamBar[]): Promise<void>;
  /** Time of the newest stored bar of the stream's timeframe, or null when none is stored. */
  lastStoredBarTime(symbol: string): Promise<string | null>;
  /**
   * A bar was stored and is final. Called once per bar per process, in time order; a failure is
   * retried, so make it idempotent (the analyze queue's job id is).
   */
  onBarClosed(symbol: string, bar: StreamBar): Promise<void>;
}

/**
 * The subset of `BarProvider` (providers/provider-types.ts) a backfill needs: bars of an inclusive
 * range in bar-time notation, oldest first.
 */
export interface BackfillSource {
  readonly name: string;
  fetchBars(
    request: { symbol: string; timeframe: StreamTimeframe; from?: string; to?: string },
    signal?: AbortSignal,
  ): Promise<readonly StreamBar[]>;
}

export type LedgerEvent =
  | {
      readonly type: "committed";
      readonly symbol: string;
      readonly bars: number;
      readonly via: "stream" | "backfill";
    }
  | { readonly type: "incomplete-bar-stored"; readonly symbol: string; readonly time: string }
  | { readonly type: "step-failed"; readonly symbol: string; readonly error: unknown }
  | {
      readonly type: "retrying";
      readonly symbol: string;
      readonly operation: "lastStoredBarTime" | "fetchBars" | "storeBars" | "onBarClosed";
      readonly error: unknown;
      readonly delayMs: number;
    };

export interface BarLedgerOptions extends BarStorePorts {
  readonly source: BackfillSource;
  readonly timeframe: StreamTimeframe;
  readonly exchangeOf: (symbol: string) => market.Exchange;
  readonly marketClock?: MarketClockOf;
  /** The market clock (epoch ms). */
  readonly now: () => number;
  /** Backfill depth when nothing is stored yet (ms). */
  readonly initialBackfillMs: number;
  /** Waits between retries of a failed port or provider call. */
  readonly retryBackoff: BackoffOptions;
  readonly random: () => number;
  /** Aborting it abandons every queued and retrying step. */
  readonly signal: AbortSignal;
  readonly onEvent: (event: LedgerEvent) => void;
}

export interface BarLedgerCounters {
  /** Bars stored and announced, from the stream and from backfills. */
  readonly barsCommitted: number;
  /** Of those, from the HTTP provider. */
  readonly barsBackfilled: number;
  /** Closed bars skipped because a bar of that time (or later) was already committed. */
  readonly duplicatesSkipped: number;
  /** Incomplete stream bars stored because the provider did not have the bar either. */
  readonly incompleteBarsStored: number;
}

/**
 * The per-symbol *watermark* (newest committed bar) and the one place bars are committed:
 * store → announce (`onBarClosed`) → advance the watermark.
 *
 * INVARIANT: all work of one symbol runs in one promise chain, in arrival order, so a backfill and
 * the live bars queued behind it can never interleave; a bar at or below the watermark is never
 * stored or announced again. That is what makes "no bar doubled" hold when the backfill and the
 * live stream overlap after a reconnect.
 */
export interface BarLedger {
  /** Queues a closed stream bar; an incomplete one is replaced by a backfill (see ClosedBar.complete). */
  commit(closed: ClosedBar): void;
  /**
   * Queues a backfill of `symbol`: the provider's closed bars after the watermark up to now. It
   * waits for `ready` (the subscription) before fetching, while holding the symbol's queue, so
   * stream bars that arrive meanwhile are committed after it.
   */
  backfill(symbol: string, ready?: Promise<void>): void;
  /** Newest committed bar time, or null (unknown yet, or nothing stored). */
  lastBarTime(symbol: string): string | null;
  /** End (epoch ms) of the newest committed bar, or null. */
  lastBarEndMs(symbol: string): number | null;
  counters(): BarLedgerCounters;
  /** Resolves when every queued step has finished (or was abandoned). */
  idle(): Promise<void>;
}

interface SymbolLedger {
  /** Epoch ms of the newest committed bar; undefined until read from the store. */
  watermarkMs: number | null | undefined;
  tail: Promise<void>;
}

export function createBarLedger(options: BarLedgerOptions): BarLedger {
  const symbols = new Map<string, SymbolLedger>();
  const timeframeMinutes = TIMEFRAME_MINUTES[options.timeframe];
  const counters = { barsCommitted: 0, barsBackfilled: 0, duplicatesSkipped: 0, incompleteBarsStored: 0 };

  function ledgerOf(symbol: string): SymbolLedger {
    let ledger = symbols.get(symbol);
    if (ledger === undefined) {
      ledger = { watermarkMs: undefined, tail: Promise.resolve() };
      symbols.set(symbol, ledger);
    }
    return ledger;
  }

  function enqueue(symbol: string, step: (ledger: SymbolLedger) => Promise<void>): void {
    const ledger = ledgerOf(symbol);
    ledger.tail = ledger.tail.then(async () => {
      if (options.signal.aborted) return;
      try {
        await step(ledger);
      } catch (error) {
        // Port and provider failures are retried inside the step; what lands here is an abort (the
        // stream is stopping) or a bug. Either way the chain MUST go on, or the symbol would stall.
        if (!options.signal.aborted) options.onEvent({ type: "step-failed", symbol, error });
      }
    });
  }

  async function retrying<T>(
    symbol: string,
    operation: "lastStoredBarTime" | "fetchBars" | "storeBars" | "onBarClosed",
    call: () => Promise<T>,
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      options.signal.throwIfAborted();
      try {
        return await call();
      } catch (error) {
        if (options.signal.aborted) throw error;
        const delayMs = backoffDelayMs(retry, options.retryBackoff, options.random);
        options.onEvent({ type: "retrying", symbol, operation, error, delayMs });
        await SYSTEM_CLOCK.sleep(delayMs, options.signal);
      }
    }
  }

  async function watermarkOf(symbol: string, ledger: SymbolLedger): Promise<number | null> {
    if (ledger.watermarkMs === undefined) {
      const stored = await retrying(symbol, "lastStoredBarTime", () => options.lastStoredBarTime(symbol));
      ledger.watermarkMs = stored === null ? null : parseBarTime(stored);
    }
    return ledger.watermarkMs;
  }

  /** Stores and announces the bars after the watermark, oldest first. */
  async function commitBars(
    symbol: string,
    ledger: SymbolLedger,
    bars: readonly StreamBar[],
    via: "stream" | "backfill",
  ): Promise<void> {
    const watermark = (await watermarkOf(symbol, ledger)) ?? Number.NEGATIVE_INFINITY;
    const byTime = new Map<number, StreamBar>();
    for (const bar of bars) {
      const ms = parseBarTime(bar.time);
      if (ms <= watermark) counters.duplicatesSkipped++;
      else byTime.set(ms, { ...bar, time: formatBarTime(ms) });
    }
    if (byTime.size === 0) return;
    const fresh = [...byTime.entries()].sort((a, b) => a[0] - b[0]);
    const freshBars = fresh.map(([, bar]) => bar);
    await retrying(symbol, "storeBars", () => options.storeBars(symbol, freshBars));
    for (const [ms, bar] of fresh) {
      await retrying(symbol, "onBarClosed", () => options.onBarClosed(symbol, bar));
      ledger.watermarkMs = ms;
    }
    counters.barsCommitted += fresh.length;
    if (via === "backfill") counters.barsBackfilled += fresh.length;
    options.onEvent({ type: "committed", symbol, bars: fresh.length, via });
  }

  function barEndMs(symbol: string, startMs: number): number {
    const bucket = sessionBucketAt(
      options.exchangeOf(symbol),
      startMs,
      timeframeMinutes,
      marketClockFor(options.marketClock, symbol),
    );
    return bucket !== null && bucket.startMs === startMs ? bucket.endMs : startMs + timeframeMinutes * 60_000;
  }

  async function backfillBars(symbol: string, ledger: SymbolLedger, fallback?: ClosedBar): Promise<void> {
    const watermark = await watermarkOf(symbol, ledger);
    const nowMs = options.now();
    const from = formatBarTime(watermark ?? nowMs - options.initialBackfillMs);
    const to = formatBarTime(nowMs);
    const fetched = await retrying(symbol, "fetchBars", () =>
      options.source.fetchBars({ symbol, timeframe: options.timeframe, from, to }, options.signal),
    );
    // A source may include the forming bar: only bars that have ended are final.
    const closed = fetched.filter((bar) => barEndMs(symbol, parseBarTime(bar.time)) <= nowMs);
    const bars: StreamBar[] = [...closed];
    if (fallback !== undefined && !closed.some((bar) => parseBarTime(bar.time) === fallback.startMs)) {
      // The provider lags behind the stream: better the stream's partial bar than a hole.
      if (fallback.startMs > (watermark ?? Number.NEGATIVE_INFINITY)) {
        bars.push(fallback.bar);
        counters.incompleteBarsStored++;
        options.onEvent({ type: "incomplete-bar-stored", symbol, time: fallback.bar.time });
      }
    }
    await commitBars(symbol, ledger, bars, "backfill");
  }

  return {
    commit(closed) {
      enqueue(closed.symbol, (ledger) =>
        closed.complete
          ? commitBars(closed.symbol, ledger, [closed.bar], "stream")
          : backfillBars(closed.symbol, ledger, closed),
      );
    },
    backfill(symbol, ready) {
      enqueue(symbol, async (ledger) => {
        if (ready !== undefined) await ready;
        await backfillBars(symbol, ledger);
      });
    },
    lastBarTime(symbol) {
      const ms = symbols.get(symbol)?.watermarkMs;
      return ms == null ? null : formatBarTime(ms);
    },
    lastBarEndMs(symbol) {
      const ms = symbols.get(symbol)?.watermarkMs;
      return ms == null ? null : barEndMs(symbol, ms);
    },
    counters: () => ({ ...counters }),
    async idle() {
      // Steps may queue more steps (a flush closes a bar while a backfill runs): wait until quiet.
      for (;;) {
        const tails = [...symbols.values()].map((ledger) => ledger.tail);
        await Promise.all(tails);
        const now = [...symbols.values()].map((ledger) => ledger.tail);
        if (now.length === tails.length && now.every((tail, i) => tail === tails[i])) return;
      }
    },
  };
}
