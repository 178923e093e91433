import {
  type Bar,
  type Bias,
  evaluateProvisional,
  type market,
  type ProvisionalAlertEvent,
  type ProvisionalRecord,
  type SignalType,
} from "@vpa/core";
import type { Timeframe } from "@vpa/db";
import { createCoalescingBatcher } from "@vpa/runtime";
import type { LiveAnalyzers } from "./live-analyzers.ts";

/** The events of live subscribers' provisional alerts (vpa-core's ProvisionalAlertEvent). */
export type ProvisionalEvent = ProvisionalAlertEvent;

/** Where provisional events go (the alerts app renders and sends them to live subscribers). */
export type ProvisionalAlertSink = (event: ProvisionalEvent) => Promise<void>;

/**
 * The once-only ledger's Redis commands (provisional-ledger-redis.ts). Keys are
 * `<prefix>:provisional:...`, one hash slot with a hash-tag prefix, so they work on a cluster too.
 */
export interface ProvisionalLedgerRedis {
  hsetnx(key: string, field: string, value: string): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  /**
   * Reads and deletes each key's claims (`type → "bias|score"`), atomically per key: of two
   * callers, one gets them. One round trip for all the keys.
   */
  takeClaims(keys: readonly string[]): Promise<Record<string, string>[]>;
}

export interface ProvisionalTrackerOptions {
  readonly timeframe: Timeframe;
  readonly analyzers: LiveAnalyzers;
  /** The symbol's session table (its exchange's; DERIVATIVES_SESSIONS for futures). */
  readonly sessionsOf: (symbol: string) => readonly market.TradingSession[];
  readonly redis: ProvisionalLedgerRedis;
  /** Key prefix (the queue prefix): keeps test runs and deployments apart. */
  readonly prefix: string;
  readonly sink: ProvisionalAlertSink;
  /** A failed claim or delivery: logged by the caller, never thrown into the stream. */
  readonly onError: (error: unknown, symbol: string) => void;
}

export interface ProvisionalCounters {
  /** Forming-bar evaluations run (each O(1)). */
  readonly evaluations: number;
  /** Provisional alerts handed to the sink (after the once-only claim). */
  readonly alerts: number;
  readonly held: number;
  readonly didNotHold: number;
}

export interface ProvisionalTracker {
  /** A forming bar changed: evaluate it; alert each signal type the first time it shows. */
  onBarForming(symbol: string, bar: Bar, endMs: number, nowMs: number): void;
  /** The bar closed with these final signals: follow up on every provisional alert of it. */
  onBarClosed(symbol: string, barTime: string, finalTypes: ReadonlySet<string>): Promise<void>;
  counters(): ProvisionalCounters;
  /** Resolves when every claim and delivery started so far has finished. */
  idle(): Promise<void>;
}

/** A bar's provisional claims outlive any bar and any restart gap worth following up. */
const LEDGER_TTL_SECONDS = 2 * 86_400;

/**
 * Provisional signals on the live path. Each forming-bar update costs one O(1) evaluation; a
 * signal type's first appearance on a bar is claimed in Redis (`HSETNX` of the type in the bar's
 * hash returns 1 to one caller only: once per symbol, timeframe, bar and type across processes
 * and restarts) before the sink hears of it. At the close the bar's claims are taken atomically
 * (read and deleted by one script, every symbol closing together in one call: one process follows up) and each gets `held` or `did-not-hold`. Nothing here is stored
 * in PostgreSQL: provisional signals never enter the signal history (§10).
 */
export function createProvisionalTracker(options: ProvisionalTrackerOptions): ProvisionalTracker {
  const counters = { evaluations: 0, alerts: 0, held: 0, didNotHold: 0 };
  /** Types already claimed here, per `symbol|barTime`: repeated evaluations skip Redis. */
  const claimed = new Map<string, Set<string>>();
  /** Claims being made (a bar's close waits for them) and deliveries under way (`idle` waits for both). */
  const claiming = new Set<Promise<unknown>>();
  const sending = new Set<Promise<unknown>>();
  /**
   * The newest delivery per (symbol, bar, type). Deliveries (the sink's work: rate-limit slots,
   * sends) run on their own, so a slow channel never holds up a closed bar; a bar's follow-up is
   * chained after its alert, so nobody reads "did not hold" before the alert itself.
   */
  const deliveries = new Map<string, Promise<void>>();
  /** Per symbol, the bar seen forming last and the one seen before it (which must be analysed first). */
  const formingOf = new Map<string, { readonly startMs: number; readonly previousStartMs: number }>();
  const ledgerKey = (symbol: string, barTime: string) =>
    `${options.prefix}:provisional:${options.timeframe}:${symbol}:${barTime}`;
  /** A closed minute's follow-ups: every symbol's claims taken in one round trip, not one each. */
  const settling = createCoalescingBatcher<string, Record<string, string>>(
    (keys) => options.redis.takeClaims(keys),
    {
      weight: () => 1,
      maxWeight: 5_000,
    },
  );

  function track<T>(work: Promise<T>, into: Set<Promise<unknown>>): Promise<T> {
    into.add(work);
    const settle = () => {
      into.delete(work);
    };
    work.then(settle, settle);
    return work;
  }

  /** Runs `work` after the previous delivery of the same (symbol, bar, type); errors are reported. */
  function startDelivery(key: string, symbol: string, work: () => Promise<void>): void {
    const delivery = (deliveries.get(key) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => options.onError(error, symbol));
    deliveries.set(key, delivery);
    void track(delivery, sending).then(() => {
      if (deliveries.get(key) === delivery) deliveries.delete(key);
    });
  }

  /** Claims the alert in Redis, once across processes: true when this call made the claim. */
  async function claim(symbol: string, record: ProvisionalRecord): Promise<boolean> {
    try {
      const key = ledgerKey(symbol, record.time);
      const added = await options.redis.hsetnx(key, record.type, `${record.bias}|${record.score}`);
      if (added !== 1) return false;
      await options.redis.expire(key, LEDGER_TTL_SECONDS);
      counters.alerts++;
      return true;
    } catch (error) {
      options.onError(error, symbol);
      return false;
    }
  }

  return {
    onBarForming(symbol, bar, endMs, nowMs) {
      const analyzer = options.analyzers.analyzerOf(symbol);
      const timeOfDay = options.analyzers.timeOfDayOf(symbol);
      if (analyzer === undefined || timeOfDay === undefined) return;
      // Only on top of every bar before this one: the previous bar may still be on its way through
      // the ledger (stored, then analysed), and an analyzer behind it would judge this one wrongly.
      const startMs = Date.parse(bar.time);
      let forming = formingOf.get(symbol);
      if (forming === undefined || startMs > forming.startMs) {
        forming = { startMs, previousStartMs: forming?.startMs ?? Number.NEGATIVE_INFINITY };
        formingOf.set(symbol, forming);
      } else if (startMs < forming.startMs) return;
      const consumed = options.analyzers.lastBarTimeMs(symbol);
      if (consumed === undefined || consumed < forming.previousStartMs || consumed >= startMs) return;
      counters.evaluations++;
      const records = evaluateProvisional(analyzer, timeOfDay, bar, {
        barEndMs: endMs,
        nowMs,
        sessions: options.sessionsOf(symbol),
      });
      if (records.length === 0) return;
      const local = `${symbol}|${bar.time}`;
      let types = claimed.get(local);
      for (const record of records) {
        if (types?.has(record.type)) continue;
        if (types === undefined) {
          types = new Set();
          claimed.set(local, types);
        }
        types.add(record.type);
        const made = track(claim(symbol, record), claiming);
        startDelivery(`${symbol}|${record.time}|${record.type}`, symbol, async () => {
          if (await made) await options.sink({ kind: "provisional", timeframe: options.timeframe, record });
        });
      }
    },

    async onBarClosed(symbol, barTime, finalTypes) {
      claimed.delete(`${symbol}|${barTime}`);
      // Claims still being made for this bar land before it is settled.
      await Promise.all([...claiming]);
      const claims = await settling.add(ledgerKey(symbol, barTime));
      for (const [type, value] of Object.entries(claims)) {
        const [bias, score] = value.split("|") as [Bias, string];
        const held = finalTypes.has(type);
        if (held) counters.held++;
        else counters.didNotHold++;
        const event: ProvisionalEvent = {
          kind: held ? "held" : "did-not-hold",
          timeframe: options.timeframe,
          symbol,
          barTime,
          type: type as SignalType,
          bias,
          score: Number(score),
        };
        startDelivery(`${symbol}|${barTime}|${type}`, symbol, () => options.sink(event));
      }
    },

    counters: () => ({ ...counters }),

    async idle() {
      while (claiming.size + sending.size > 0) await Promise.all([...claiming, ...sending]);
    },
  };
}
