import type { market } from "@vpa/core";
import type { Database } from "@vpa/db";
import type { BarProvider } from "@vpa/market-data";
import type { JobPayload, Metrics, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { fetchLatestBars } from "../fetch/fetch-latest-bars.ts";
import { type PortfolioUpdateSummary, updatePortfolios } from "../portfolio/update-portfolios.ts";
import { scanMarket } from "../scan-market.ts";
import { type TrackRecordUpdateSummary, updateTrackRecord } from "../track-record/update-track-record.ts";
import { type ScanDecision, shouldRunScheduledScan } from "./scan-schedule.ts";

export interface ScheduledScanDependencies {
  readonly db: Kysely<Database>;
  readonly analyzeQueue: TypedQueue<"analyze">;
  /** The scan's digest job goes here (one digest per subscriber in digest mode). */
  readonly digestQueue?: TypedQueue<"digests">;
  /** Symbols per analyze job (ANALYZE_CHUNK_SIZE); default scanMarket's. */
  readonly analyzeChunkSize?: number;
  readonly calendar: market.HolidayCalendar;
  /** Injected for tests; the worker passes Date.now. */
  readonly now: () => number;
  /** When a market-data source is configured: fetch the new bars first, then scan. */
  readonly provider?: BarProvider;
  /** Bring the signals' track record up to the new close after a daily scan. Default true. */
  readonly updateTrackRecord?: boolean;
  /** Then bring the paper portfolios up to the new close. Default true. */
  readonly updatePortfolios?: boolean;
  /** Sets the paper portfolios' gauges. */
  readonly metrics?: Pick<Metrics, "portfolioValue" | "portfolioPositions">;
}

export type ScheduledScanResult =
  | {
      readonly ran: true;
      /** Symbols enqueued for analysis (in chunks of analyzeChunkSize per job). */
      readonly enqueued: number;
      readonly missing: number;
      /** With a provider: new bars stored, and symbols whose fetch failed (scanned on what was stored). */
      readonly fetched?: { readonly bars: number; readonly failed: number };
      /** After a daily scan: the signals' track record brought up to the new close. */
      readonly trackRecord?: TrackRecordUpdateSummary;
      /** After a daily scan: the paper portfolios stepped to the new close. */
      readonly portfolios?: PortfolioUpdateSummary[];
    }
  | { readonly ran: false; readonly reason: Exclude<ScanDecision, { run: true }>["reason"] };

/**
 * One firing of a scan schedule: skip holidays and closed markets; otherwise fetch the new bars
 * when a provider is configured (each symbol's signals then start at its first new bar, so bars
 * missed while the system was down are analysed too) and scan every symbol.
 */
export async function runScheduledScan(
  payload: JobPayload<"scan">,
  deps: ScheduledScanDependencies,
): Promise<ScheduledScanResult> {
  const decision = shouldRunScheduledScan(payload.kind, deps.now(), deps.calendar);
  if (!decision.run) return { ran: false, reason: decision.reason };
  if (deps.provider === undefined) {
    const plan = await scanMarket(deps.db, deps.analyzeQueue, {
      timeframe: payload.timeframe,
      ...(deps.digestQueue === undefined ? {} : { digestQueue: deps.digestQueue }),
      ...(deps.analyzeChunkSize === undefined ? {} : { chunkSize: deps.analyzeChunkSize }),
    });
    return {
      ran: true,
      enqueued: plan.symbols.length,
      missing: plan.missing.length,
      ...(await trackRecordAfterClose(payload, deps, plan.jobIds)),
    };
  }
  const fetched = await fetchLatestBars(deps.db, deps.provider, { timeframe: payload.timeframe });
  const plan = await scanMarket(deps.db, deps.analyzeQueue, {
    timeframe: payload.timeframe,
    sinceBySymbol: new Map(fetched.updated.map((u) => [u.symbol, u.oldest])),
    ...(deps.digestQueue === undefined ? {} : { digestQueue: deps.digestQueue }),
    ...(deps.analyzeChunkSize === undefined ? {} : { chunkSize: deps.analyzeChunkSize }),
  });
  return {
    ran: true,
    enqueued: plan.symbols.length,
    missing: plan.missing.length,
    fetched: { bars: fetched.barsWritten, failed: fetched.failed.length },
    ...(await trackRecordAfterClose(payload, deps, plan.jobIds)),
  };
}

/**
 * After the daily scan, the track record takes in the signals whose horizon the new close
 * completed (docs: packages/vpa-core/src/track-record/README.md). It reads only bars and signals
 * already stored, so it does not wait for the scan's analyze jobs: today's signals have no
 * completed horizon yet.
 */
async function trackRecordAfterClose(
  payload: JobPayload<"scan">,
  deps: ScheduledScanDependencies,
  analyzeJobIds: readonly string[],
): Promise<{ trackRecord?: TrackRecordUpdateSummary; portfolios?: PortfolioUpdateSummary[] }> {
  if (payload.kind !== "daily") return {};
  const trackRecord =
    deps.updateTrackRecord === false
      ? {}
      : { trackRecord: await updateTrackRecord(deps.db, { timeframe: "1D" }) };
  if (deps.updatePortfolios === false) return trackRecord;
  const metrics = deps.metrics === undefined ? {} : { metrics: deps.metrics };
  return {
    ...trackRecord,
    // The portfolios trade on the scan's stored signals: they wait for its analyze jobs.
    portfolios: await updatePortfolios(deps.db, {
      calendar: deps.calendar,
      ...metrics,
      afterScan: { analyzeQueue: deps.analyzeQueue, jobIds: analyzeJobIds },
    }),
  };
}
