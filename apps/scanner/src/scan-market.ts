import {
  barTimeToDate,
  createScan,
  type Database,
  databaseInstanceId,
  dateToBarTime,
  listLatestBars,
  type Timeframe,
} from "@vpa/db";
import { analyzeJobId, digestJobId, inSpan, type TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";

export interface ScanOptions {
  readonly timeframe: Timeframe;
  /** Default: every active stock that has bars. */
  readonly symbols?: readonly string[];
  /**
   * Also store and alert signals of the bars up to this many calendar days before each symbol's
   * newest bar. Default 0: the newest bar only, which is what a scan after each bar wants; the demo
   * and a catch-up after downtime use more.
   */
  readonly lookbackDays?: number;
  /**
   * Per symbol, the first bar whose signals to store and alert (e.g. the first bar a fetch brought
   * after downtime, so no bar in between goes unanalysed). Takes precedence over lookbackDays.
   */
  readonly sinceBySymbol?: ReadonlyMap<string, string>;
  /**
   * Do the work again even where a job with the same id completed (`vpa scan --force`). Failed
   * jobs never block a new attempt, with or without it.
   */
  readonly force?: boolean;
  /**
   * Where the scan's digest job goes: once every analyze job has finished, each subscriber in
   * digest mode gets one message with the scan's non-HIGH alerts. Without it (benchmarks, silent
   * re-analysis) the scan's alerts go out one by one.
   */
  readonly digestQueue?: TypedQueue<"digests">;
  /** Symbols per analyze job (ANALYZE_CHUNK_SIZE). Default {@link DEFAULT_ANALYZE_CHUNK_SIZE}. */
  readonly chunkSize?: number;
  /**
   * false: store the signals and alert nobody, and no digest (`vpa scan --no-alerts`: a history
   * backfill for the track record). A later scan whose window holds them still alerts them: an
   * alert is owed to any stored signal that has none. Default true.
   */
  readonly alert?: boolean;
}

export interface ScanPlan {
  /** The analyze jobs, one per chunk of symbols. */
  readonly jobIds: string[];
  /** Every symbol the jobs analyse. */
  readonly symbols: string[];
  /** Requested symbols that have no bars (or no stock): nothing to analyse. */
  readonly missing: string[];
  /** Jobs of an earlier scan with the same ids that had failed (or completed, with `force`): done again. */
  readonly replaced: number;
  /** The scan's record (its digests' key), when it has a digest. */
  readonly scanId: number | null;
  /** The digest job, when the scan has one. */
  readonly digestJobId: string | null;
}

const ENQUEUE_BATCH = 1_000;
/**
 * Symbols per analyze job when ANALYZE_CHUNK_SIZE is not set. Measured in bench/scan (BENCHMARKS.md):
 * a job's fixed cost (BullMQ's commands, a bar query, a signal insert) is spread over its symbols.
 * 100 beat 50 in 9 of 10 paired figures (a whole market is 17 jobs, all in flight at once on
 * 2 × 16 workers), and 200 was no faster; a job of 100 takes well under a second of CPU, so its
 * lock and a retry's redo stay small.
 */
export const DEFAULT_ANALYZE_CHUNK_SIZE = 100;
/**
 * Symbols per analyze job, at most, for a look-back of more than a year (a history backfill): each
 * job reads its symbols' whole window. Measured on the whole market's 2000–2021 history (1,681
 * symbols, 422,711 signals, two cores): 25 per job took 33 s at 533 MB; 100 per job 41 s at 794 MB,
 * and one job's read of ~540,000 bars ran past the 30 s statement timeout (retried).
 */
export const HISTORY_CHUNK_SIZE = 25;
const HISTORY_LOOKBACK_DAYS = 365;
/** When the digest job first looks whether the scan's analyze jobs are done. */
const DIGEST_FIRST_CHECK_MS = 500;

const DAY_MS = 86_400_000;

/**
 * The bar time `days` calendar days before `time`, in the notation of the timeframe's bars (a date,
 * or an instant `YYYY-MM-DDTHH:MM:SS+07:00`). Not `toISOString()`: its milliseconds and `Z` are
 * refused by the job payload schema, and the analyze job compares the window's start with record
 * times as strings, which only works in the same notation.
 */
function daysBefore(time: string, days: number, timeframe: Timeframe): string {
  return dateToBarTime(new Date(barTimeToDate(time).getTime() - days * DAY_MS), timeframe);
}

/**
 * The symbols to analyse in chunks of `size`, in symbol order: the same symbols with the same bars
 * and windows always give the same chunks, hence the same job ids (analyzeJobId). A symbol added to
 * or gone from the market shifts the chunks after it: their ids change and they are analysed again,
 * which stores nothing twice and alerts nobody twice (the analyze path is idempotent).
 */
export function chunkSymbols<T extends { readonly symbol: string }>(
  items: readonly T[],
  size: number,
): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, not ${size}`);
  const sorted = [...items].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const chunks: T[][] = [];
  for (let i = 0; i < sorted.length; i += size) chunks.push(sorted.slice(i, i + size));
  return chunks;
}

/**
 * Enqueues one analyze job per chunk of symbols (each for its newest stored bar), with `addBulk` in
 * batches. The job id is derived from the chunk's symbols + timeframe + bars + windows, so scanning
 * the same bars twice adds no work while the first job is retained; a failed one is replaced, so a
 * re-scan after a failure does it.
 */
export async function scanMarket(
  db: Kysely<Database>,
  analyzeQueue: TypedQueue<"analyze">,
  options: ScanOptions,
): Promise<ScanPlan> {
  // With tracing on, the root of the scan's trace: its analyze jobs, their alert jobs and those
  // alerts' deliveries are its descendants (runtime tracing.ts).
  return inSpan("scan", { "vpa.timeframe": options.timeframe }, () => enqueueScan(db, analyzeQueue, options));
}

async function enqueueScan(
  db: Kysely<Database>,
  analyzeQueue: TypedQueue<"analyze">,
  options: ScanOptions,
): Promise<ScanPlan> {
  const latest = await listLatestBars(db, options.timeframe, options.symbols);
  const instance = await databaseInstanceId(db);
  const found = new Set(latest.map((l) => l.symbol));
  const missing = (options.symbols ?? []).filter((s) => !found.has(s));
  const lookbackDays = options.lookbackDays ?? 0;
  const items = latest.map(({ symbol, time }) => ({
    symbol,
    barTime: time,
    signalsSince:
      options.sinceBySymbol?.get(symbol) ??
      (lookbackDays > 0 ? daysBefore(time, lookbackDays, options.timeframe) : time),
  }));
  const alert = options.alert !== false;
  const chunkSize = options.chunkSize ?? DEFAULT_ANALYZE_CHUNK_SIZE;
  const perJob = lookbackDays > HISTORY_LOOKBACK_DAYS ? Math.min(chunkSize, HISTORY_CHUNK_SIZE) : chunkSize;
  const planned = chunkSymbols(items, perJob).map((symbols) => {
    const payload = { symbols, timeframe: options.timeframe, ...(alert ? {} : { alert: false }) };
    return { payload, jobId: analyzeJobId(payload, instance) };
  });
  // Redis first (failed jobs of these ids must not hide the work): when it is away the scan fails
  // here, before anything is written to PostgreSQL.
  const replaced = await analyzeQueue.removeFinished(
    planned.map((j) => j.jobId),
    { includeCompleted: options.force === true },
  );
  // The scan is recorded before its jobs exist, so every alert they create can name it.
  const scanId =
    options.digestQueue === undefined || planned.length === 0 || !alert
      ? null
      : await createScan(db, {
          timeframe: options.timeframe,
          analyzeJobIds: planned.map((job) => job.jobId),
        });
  const jobs =
    scanId === null ? planned : planned.map((job) => ({ ...job, payload: { ...job.payload, scanId } }));
  for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
    await analyzeQueue.addBulk(jobs.slice(i, i + ENQUEUE_BATCH));
  }
  let digest: string | null = null;
  if (scanId !== null && options.digestQueue !== undefined) {
    digest = digestJobId({ scanId });
    // It waits (delayed, polling) until every analyze job of the scan has finished.
    await options.digestQueue.add({ scanId }, { jobId: digest, delay: DIGEST_FIRST_CHECK_MS });
  }
  return {
    jobIds: jobs.map((j) => j.jobId),
    symbols: items.map((item) => item.symbol),
    missing,
    replaced,
    scanId,
    digestJobId: digest,
  };
}
