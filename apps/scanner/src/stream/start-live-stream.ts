import { type ConfirmationRecord, market, type SignalRecord, TIME_OF_DAY_SESSIONS } from "@vpa/core";
import { type Database, listActiveStocks, listLatestBars, upsertStocks } from "@vpa/db";
import {
  type BarProvider,
  createLiveBarStream,
  type LiveBarStream,
  type LiveBarStreamStatus,
  type StreamTimeframe,
} from "@vpa/market-data";
import type { Metrics, TypedQueue } from "@vpa/runtime";
import { createConcurrencyLimit } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { createBarWriteBatcher } from "./bar-write-batcher.ts";
import { createLiveAnalyzers, type LiveAnalyzers } from "./live-analyzers.ts";
import {
  createProvisionalTracker,
  type ProvisionalAlertSink,
  type ProvisionalLedgerRedis,
  type ProvisionalTracker,
} from "./provisional-alerts.ts";
import { createRecordsWriteBatcher } from "./records-write-batcher.ts";
import { marketClockOfSymbol, sessionsOfSymbol } from "./symbol-sessions.ts";

export interface LiveStreamOptions {
  readonly db: Kysely<Database>;
  /** Where the alerts of the signals found on closed bars go (the same jobs a scan enqueues). */
  readonly alertsQueue: TypedQueue<"alerts">;
  /** Stored bars each symbol's streaming analyzer is warmed with (SCAN_LOOKBACK_BARS). */
  readonly warmUpBars: number;
  readonly provider: BarProvider;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly name: string;
  readonly url: string;
  readonly symbols: readonly string[];
  readonly timeframe: StreamTimeframe;
  /** Where each symbol's session boundaries come from when its stock has no exchange. */
  readonly defaultExchange: market.Exchange;
  /**
   * Provisional signals while bars form (vpa-signals.md §10): the once-only ledger's Redis, its
   * key prefix and where the events go. Absent: closed bars only.
   */
  readonly provisional?: {
    readonly redis: ProvisionalLedgerRedis;
    readonly prefix: string;
    readonly sink: ProvisionalAlertSink;
  };
  /**
   * Called once per closed bar after its signals are stored (and its provisional alerts followed
   * up): seconds of CPU in the streaming update alone (not the waits around it), and of the whole
   * handling from the announcement (analysis, storing, alerting). For metrics and bench/live.
   */
  readonly observeClosedBar?: (timing: {
    readonly analysisSeconds: number;
    readonly handlingSeconds: number;
  }) => void;
  /**
   * PostgreSQL work (storing bars, storing signals) running at once across symbols; the rest
   * waits in process instead of in the pool, where it would time out. Default 8 (below the
   * pool's 10 connections, leaving room for the status and warm-up queries).
   */
  readonly databaseConcurrency?: number;
  /** The market clock (epoch ms); default `Date.now`. A replay passes its own. */
  readonly now?: () => number;
  /** Publishes the stream's status (for `vpa status`); called every few seconds. */
  readonly publishStatus?: (
    status: LiveBarStreamStatus & { stalenessSeconds: number | null },
  ) => Promise<void>;
}

export interface RunningLiveStream {
  readonly stream: LiveBarStream;
  readonly analyzers: LiveAnalyzers;
  /** Present when provisional signals are on. */
  readonly provisional: ProvisionalTracker | null;
  stop(): Promise<void>;
}

const STATUS_INTERVAL_MS = 5_000;

/**
 * The live stream wired to the system: closed bars upserted into `market_data` (idempotent by
 * time); each then analysed in process by its symbol's streaming analyzer (O(1) per bar, warmed
 * from the stored bars at start and re-warmed after a reconnect), its signals stored and alerted
 * through storeAnalysisRecords, the idempotent path a scan's analyze job uses (so a signal is
 * stored and alerted once, whichever path or process sees its bar, restarts included); gaps
 * backfilled through the HTTP provider, and `vpa_data_staleness_seconds{stream}` kept current.
 */
export async function startLiveStream(options: LiveStreamOptions): Promise<RunningLiveStream> {
  const logger = options.logger.child({ module: "live-stream", stream: options.name });
  const stockIds = await upsertStocks(
    options.db,
    options.symbols.map((symbol) => ({ symbol })),
  );
  const exchanges = new Map(
    (await listActiveStocks(options.db, options.symbols)).map((s) => [
      s.symbol,
      market.parseExchange(s.exchange ?? "") ?? options.defaultExchange,
    ]),
  );
  const databaseSlot = createConcurrencyLimit(options.databaseConcurrency ?? 8);
  const barWriter = createBarWriteBatcher(options.db, options.timeframe);
  const recordsWriter = createRecordsWriteBatcher(options, options.timeframe);
  const analyzers = createLiveAnalyzers({
    db: options.db,
    timeframe: options.timeframe,
    warmUpBars: options.warmUpBars,
    timeOfDayBars: timeOfDayBarsOf(options.timeframe),
    stockIdOf: (symbol) => stockIds.get(symbol) as number,
    databaseSlot,
  });
  await analyzers.warm([...stockIds.keys()]);
  const exchangeOf = (symbol: string) => exchanges.get(symbol) ?? options.defaultExchange;
  const sink = options.provisional?.sink;
  const provisional =
    options.provisional === undefined || sink === undefined
      ? null
      : createProvisionalTracker({
          timeframe: options.timeframe,
          analyzers,
          sessionsOf: (symbol) => sessionsOfSymbol(symbol, exchangeOf(symbol)),
          redis: options.provisional.redis,
          prefix: options.provisional.prefix,
          sink: async (event) => {
            options.metrics.provisionalAlerts.inc({ stream: options.name, kind: event.kind });
            await sink(event);
          },
          onError: (err, symbol) => logger.warn({ err, symbol }, "provisional alert failed"),
        });
  let connections = 0;
  const stream = createLiveBarStream({
    name: options.name,
    url: options.url,
    symbols: options.symbols,
    timeframe: options.timeframe,
    exchange: exchangeOf,
    marketClock: marketClockOfSymbol,
    provider: options.provider,
    ...(options.now === undefined ? {} : { now: options.now }),
    storeBars: async (symbol, bars) => {
      // One statement for every symbol whose bar closed at the same moment (a whole market's minute).
      const stored = await barWriter.write(stockIds.get(symbol) as number, bars);
      options.metrics.barsIngested.inc({ source: "stream" }, stored);
    },
    lastStoredBarTime: async (symbol) =>
      (await databaseSlot(() => listLatestBars(options.db, options.timeframe, [symbol])))[0]?.time ?? null,
    onBarClosed: async (symbol, bar) => {
      const startedAt = process.hrtime.bigint();
      const signals: SignalRecord[] = [];
      const confirmations: ConfirmationRecord[] = [];
      const { records, updateSeconds } = await analyzers.analyzeClosedBar(symbol, bar);
      for (const record of records) {
        if (record.kind === "signal") signals.push(record);
        else confirmations.push(record);
      }
      if (signals.length > 0 || confirmations.length > 0) {
        // With every other symbol's records of the same close: one insert and one enqueue a burst.
        await recordsWriter.write({ stockId: stockIds.get(symbol) as number, signals, confirmations });
      }
      // After the final signals are stored: their alerts are owed before "did not hold" is said.
      await provisional?.onBarClosed(symbol, bar.time, new Set(signals.map((s) => s.type)));
      const handlingSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      options.metrics.streamBarHandling.observe({ stream: options.name }, handlingSeconds);
      options.observeClosedBar?.({ analysisSeconds: updateSeconds, handlingSeconds });
    },
    ...(provisional === null
      ? {}
      : { onBarForming: (symbol, bar, endMs, nowMs) => provisional.onBarForming(symbol, bar, endMs, nowMs) }),
    onEvent: (event) => {
      // After a reconnect the chain of announced bars may have a hole (bars another process stored,
      // a backfill): each analyzer rebuilds from the store at its next bar.
      if (event.type === "connected" && ++connections > 1) analyzers.resync();
      if ("error" in event) logger.warn({ event: event.type, err: event.error }, "stream event");
      else if (
        event.type === "connected" ||
        event.type === "disconnected" ||
        event.type === "heartbeat-timeout"
      ) {
        logger.info({ event }, `stream ${event.type}`);
      } else logger.debug({ event }, "stream event");
    },
  });
  let evaluationsReported = 0;
  const report = async () => {
    const evaluations = provisional?.counters().evaluations ?? 0;
    options.metrics.provisionalEvaluations.inc({ stream: options.name }, evaluations - evaluationsReported);
    evaluationsReported = evaluations;
    const staleness = stream.stalenessSeconds();
    if (staleness !== null) options.metrics.dataStaleness.set({ stream: options.name }, staleness);
    await options
      .publishStatus?.({ ...stream.status(), stalenessSeconds: staleness })
      .catch((err: unknown) => logger.debug({ err }, "could not publish stream status"));
  };
  const timer = setInterval(() => void report(), STATUS_INTERVAL_MS);
  timer.unref();
  stream.start();
  logger.info(
    { url: options.url, symbols: options.symbols.length, timeframe: options.timeframe },
    "live stream started",
  );
  return {
    stream,
    analyzers,
    provisional,
    async stop() {
      clearInterval(timer);
      await stream.stop();
      await provisional?.idle();
      await report();
    },
  };
}

/** Trading minutes of the longest session table (HNX and UPCOM: 09:00–11:30, 13:00–15:00). */
const SESSION_MINUTES = 270;

/**
 * Stored bars that hold {@link TIME_OF_DAY_SESSIONS} sessions of the stream's timeframe, for the
 * time-of-day volume averages (a 1m stream: 5,400 bars a symbol; 15m: 360), at most 6,000.
 */
function timeOfDayBarsOf(timeframe: StreamTimeframe): number {
  return Math.min(6_000, TIME_OF_DAY_SESSIONS * Math.ceil(SESSION_MINUTES / TIMEFRAME_MINUTES_OF[timeframe]));
}

const TIMEFRAME_MINUTES_OF: Readonly<Record<StreamTimeframe, number>> = {
  "1m": 1,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
};
