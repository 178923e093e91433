import { market } from "@vpa/core";
import {
  type Database,
  databaseInstanceId,
  listActiveStocks,
  listLatestBars,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import {
  type BarProvider,
  createLiveBarStream,
  type LiveBarStream,
  type LiveBarStreamStatus,
  type StreamTimeframe,
} from "@vpa/market-data";
import { analyzeJobId, type Metrics, type TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Logger } from "pino";

export interface LiveStreamOptions {
  readonly db: Kysely<Database>;
  readonly analyzeQueue: TypedQueue<"analyze">;
  readonly provider: BarProvider;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly name: string;
  readonly url: string;
  readonly symbols: readonly string[];
  readonly timeframe: StreamTimeframe;
  /** Where each symbol's session boundaries come from when its stock has no exchange. */
  readonly defaultExchange: market.Exchange;
  /** Publishes the stream's status (for `vpa status`); called every few seconds. */
  readonly publishStatus?: (
    status: LiveBarStreamStatus & { stalenessSeconds: number | null },
  ) => Promise<void>;
}

export interface RunningLiveStream {
  readonly stream: LiveBarStream;
  stop(): Promise<void>;
}

const STATUS_INTERVAL_MS = 5_000;

/**
 * The live stream wired to the system: closed bars upserted into `market_data` (idempotent by
 * time), each announced as an analyze job whose id is the same one `vpa scan` would use (so a bar
 * is analysed once whichever path sees it first), gaps backfilled through the HTTP provider, and
 * `vpa_data_staleness_seconds{stream}` kept current.
 */
export async function startLiveStream(options: LiveStreamOptions): Promise<RunningLiveStream> {
  const logger = options.logger.child({ module: "live-stream", stream: options.name });
  const instance = await databaseInstanceId(options.db);
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
  const stream = createLiveBarStream({
    name: options.name,
    url: options.url,
    symbols: options.symbols,
    timeframe: options.timeframe,
    exchange: (symbol) => exchanges.get(symbol) ?? options.defaultExchange,
    provider: options.provider,
    storeBars: async (symbol, bars) => {
      const written = await upsertBars(options.db, stockIds.get(symbol) as number, options.timeframe, bars);
      options.metrics.barsIngested.inc({ source: "stream" }, written.written);
    },
    lastStoredBarTime: async (symbol) =>
      (await listLatestBars(options.db, options.timeframe, [symbol]))[0]?.time ?? null,
    onBarClosed: async (symbol, bar) => {
      const payload = { symbol, timeframe: options.timeframe, barTime: bar.time } as const;
      await options.analyzeQueue.add(payload, { jobId: analyzeJobId(payload, instance) });
    },
    onEvent: (event) => {
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
  const report = async () => {
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
    async stop() {
      clearInterval(timer);
      await stream.stop();
      await report();
    },
  };
}
