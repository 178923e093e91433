import {
  type Bar,
  createStreamingAnalyzer,
  type StreamingAnalyzer,
  TimeOfDayVolume,
  type VpaRecord,
} from "@vpa/core";
import { type Database, loadRecentBars, type Timeframe } from "@vpa/db";
import type { ConcurrencyLimit } from "@vpa/runtime";
import type { Kysely } from "kysely";

export interface LiveAnalyzersOptions {
  readonly db: Kysely<Database>;
  readonly timeframe: Timeframe;
  /**
   * Stored bars an analyzer is warmed with (SCAN_LOOKBACK_BARS, the window of an analyze job, so
   * both paths see the same history: with 250 bars the Wilder ATR seed's weight on the newest bar
   * is below 1e-6).
   */
  readonly warmUpBars: number;
  /**
   * Stored bars the same-time-of-day volume averages are warmed with (provisional signals,
   * vpa-signals.md §10: 20 sessions of the timeframe's bars; 5 make it usable). Default
   * `warmUpBars`; more than it is read in the same query, only the last `warmUpBars` feed the analyzer.
   */
  readonly timeOfDayBars?: number;
  readonly stockIdOf: (symbol: string) => number;
  /** Runs each load of stored bars (the stream's limit on concurrent PostgreSQL work). */
  readonly databaseSlot?: ConcurrencyLimit;
}

/** The records dated at a closed bar, and the seconds its O(1) update took (0 when repeated). */
export interface ClosedBarAnalysis {
  readonly records: VpaRecord[];
  readonly updateSeconds: number;
}

/** One symbol's analyzer and what it consumed last (a retried bar gets the same records back). */
interface SymbolAnalysis {
  readonly analyzer: StreamingAnalyzer;
  /** Same-time-of-day volumes of the consumed bars (provisional signals, vpa-signals.md §10). */
  readonly timeOfDay: TimeOfDayVolume;
  lastTimeMs: number;
  lastRecords: VpaRecord[];
}

/**
 * The stream worker's streaming analyzers: one per symbol of its timeframe, warmed from the stored
 * bars, then fed each closed bar once, so a closed bar costs O(1) analysis instead of a batch
 * analysis of the last few hundred bars.
 *
 * Invariant: an analyzer has consumed exactly the stored bars before the bar it is given. The
 * ledger announces bars in time order, once each, after storing them; when that chain may have
 * been broken (a reconnect: its backfill, or bars another process stored meanwhile) `resync()`
 * makes each analyzer rebuild from the store at its next bar.
 */
export interface LiveAnalyzers {
  /** Builds every symbol's analyzer from its stored bars (at start, so the first bar is cheap). */
  warm(symbols: readonly string[]): Promise<void>;
  /** The next bar of every symbol rebuilds its analyzer from the stored bars before it. */
  resync(): void;
  /**
   * The records dated at `bar` (stored before this call). A repeat of the last bar (a retried
   * announcement) returns the same records without consuming it again; an older bar returns none.
   */
  analyzeClosedBar(symbol: string, bar: Bar): Promise<ClosedBarAnalysis>;
  /** The symbol's analyzer, if warmed (provisional evaluation reads it without consuming). */
  analyzerOf(symbol: string): StreamingAnalyzer | undefined;
  /** The symbol's same-time-of-day volume averages, fed with the same bars as its analyzer. */
  timeOfDayOf(symbol: string): TimeOfDayVolume | undefined;
  /** Epoch ms of the newest bar the symbol's analyzer consumed; undefined while it must be rebuilt. */
  lastBarTimeMs(symbol: string): number | undefined;
}

const WARM_CONCURRENCY = 4;

export function createLiveAnalyzers(options: LiveAnalyzersOptions): LiveAnalyzers {
  const analyses = new Map<string, SymbolAnalysis>();
  let stale = new Set<string>();

  /** A fresh analyzer fed every stored bar strictly before `beforeMs` (all when undefined). */
  async function build(symbol: string, until?: string): Promise<SymbolAnalysis> {
    const slot = options.databaseSlot ?? ((task) => task());
    // A rebuild after a reconnect keeps the time-of-day averages (a gap of a few bars barely moves
    // a 20-session mean) and reads only the analyzer's window: cheap enough for a whole market.
    const previous = analyses.get(symbol)?.timeOfDay;
    const timeOfDayBars = previous === undefined ? (options.timeOfDayBars ?? options.warmUpBars) : 0;
    const bars = await slot(() =>
      loadRecentBars(options.db, {
        stockId: options.stockIdOf(symbol),
        timeframe: options.timeframe,
        ...(until === undefined ? {} : { until }),
        limit: Math.max(options.warmUpBars, timeOfDayBars) + 1,
      }),
    );
    const untilMs = until === undefined ? Number.POSITIVE_INFINITY : Date.parse(until);
    const before = bars.filter((bar) => Date.parse(bar.time) < untilMs);
    const history = before.slice(-options.warmUpBars);
    const analyzer = createStreamingAnalyzer(symbol);
    const timeOfDay = previous ?? new TimeOfDayVolume();
    if (previous === undefined)
      for (const bar of before.slice(-timeOfDayBars)) timeOfDay.push(bar.time, bar.volume);
    for (const bar of history) analyzer.update(bar);
    const last = history.at(-1);
    const analysis = {
      analyzer,
      timeOfDay,
      lastTimeMs: last === undefined ? Number.NEGATIVE_INFINITY : Date.parse(last.time),
      lastRecords: [],
    };
    analyses.set(symbol, analysis);
    stale.delete(symbol);
    return analysis;
  }

  return {
    async warm(symbols) {
      let next = 0;
      const lane = async () => {
        while (next < symbols.length) await build(symbols[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(WARM_CONCURRENCY, symbols.length) }, lane));
    },
    resync() {
      stale = new Set(analyses.keys());
    },
    async analyzeClosedBar(symbol, bar) {
      const timeMs = Date.parse(bar.time);
      let analysis = analyses.get(symbol);
      if (analysis === undefined || stale.has(symbol)) analysis = await build(symbol, bar.time);
      if (timeMs === analysis.lastTimeMs) return { records: analysis.lastRecords, updateSeconds: 0 };
      if (timeMs < analysis.lastTimeMs) return { records: [], updateSeconds: 0 };
      const startedAt = process.hrtime.bigint();
      const records = analysis.analyzer.update(bar);
      analysis.timeOfDay.push(bar.time, bar.volume);
      const updateSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      analysis.lastTimeMs = timeMs;
      analysis.lastRecords = records;
      return { records, updateSeconds };
    },
    analyzerOf: (symbol) => analyses.get(symbol)?.analyzer,
    timeOfDayOf: (symbol) => analyses.get(symbol)?.timeOfDay,
    lastBarTimeMs: (symbol) => (stale.has(symbol) ? undefined : analyses.get(symbol)?.lastTimeMs),
  };
}
