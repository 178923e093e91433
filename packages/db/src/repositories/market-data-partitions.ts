import { type Kysely, sql } from "kysely";
import { barTimeToDate, isDailyOrLonger, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/**
 * `market_data`'s partitions (migration 0014): daily bars (1D, 1W) in one partition per year,
 * intraday bars in one per month, periods in Asia/Ho_Chi_Minh time, no default partition. This
 * file creates them ahead, on demand, and drops intraday months past their retention.
 */

const DAY_MS = 86_400_000;
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
/** PostgreSQL's "no partition of relation … found for row" is a check_violation. */
const CHECK_VIOLATION = "23514";
const BAR_MINUTES: Record<Timeframe, number> = {
  "1D": 1440,
  "1W": 10080,
  "1m": 1,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
};
const INTRADAY_PARTITION = /^market_data_intraday_(\d{4})_(\d{2})$/;

/**
 * Creates the missing partitions of the timeframe's group covering [from, to] (both inclusive).
 * Race-safe: the database function serialises creators on an advisory lock, and one created by
 * another session in between counts as created. Returns how many this call created.
 */
export async function ensureMarketDataPartitions(
  db: Kysely<Database>,
  timeframe: Timeframe,
  from: Date,
  to: Date,
): Promise<number> {
  const result = await sql<{ created: number }>`
    select vpa_ensure_market_data_partitions(${timeframe}, ${from}::timestamptz, ${to}::timestamptz) as created
  `.execute(db);
  return result.rows[0]?.created ?? 0;
}

/** True for the error PostgreSQL raises when a written bar's period has no partition. */
export function isMissingPartitionError(error: unknown): boolean {
  const coded = error as { code?: unknown; message?: unknown } | null;
  return (
    coded?.code === CHECK_VIOLATION &&
    typeof coded.message === "string" &&
    coded.message.startsWith("no partition of relation")
  );
}

/**
 * Runs a bar write; when it fails because a bar's period has no partition yet, creates the
 * partitions for [from, to] and runs it once more. The failed statement wrote nothing. Not for a
 * write inside a caller's transaction (the failure aborts it); the project's writers use none.
 */
export async function withMarketDataPartitions<T>(
  db: Kysely<Database>,
  timeframe: Timeframe,
  span: () => { from: Date; to: Date },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isMissingPartitionError(error)) throw error;
    const { from, to } = span();
    await ensureMarketDataPartitions(db, timeframe, from, to);
    return write();
  }
}

export interface PartitionMaintenance {
  /** Partitions created ahead (this and the next year of daily bars, this and the next month of intraday). */
  readonly created: number;
  /** Intraday partitions dropped because every bar they could hold is past the retention. */
  readonly dropped: string[];
}

/**
 * The periodic step (the scan scheduler runs it before each scheduled scan; `vpa maintain` and its
 * daily CronJob run it on their own): creates the coming periods' partitions before their first
 * bar arrives, and with a retention drops each intraday month whose end is more than
 * `intradayRetentionDays` before `now` (a whole partition at a time: no row-by-row delete, no
 * bloat). Daily bars are kept for ever.
 */
export async function maintainMarketDataPartitions(
  db: Kysely<Database>,
  options: { readonly now: Date; readonly intradayRetentionDays: number | null },
): Promise<PartitionMaintenance> {
  const now = options.now;
  let created = 0;
  for (const span of partitionSpansAhead(now)) {
    created += await ensureMarketDataPartitions(db, span.timeframe, span.from, span.to);
  }
  const dropped: string[] = [];
  for (const name of intradayPartitionsPastRetention(
    await listIntradayPartitions(db),
    now,
    options.intradayRetentionDays,
  )) {
    await sql`drop table if exists ${sql.id(name)}`.execute(db);
    dropped.push(name);
  }
  return { created, dropped };
}

/** What {@link maintainMarketDataPartitions} would do now, changing nothing (`vpa maintain --dry-run`). */
export interface PartitionMaintenancePlan {
  /** Partitions missing for the coming periods, by name. */
  readonly create: string[];
  /** Intraday partitions past the retention, oldest first. */
  readonly drop: string[];
}

/** Reads what {@link maintainMarketDataPartitions} would create and drop at `now`; writes nothing. */
export async function planMarketDataPartitionMaintenance(
  db: Kysely<Database>,
  options: { readonly now: Date; readonly intradayRetentionDays: number | null },
): Promise<PartitionMaintenancePlan> {
  const create: string[] = [];
  for (const span of partitionSpansAhead(options.now)) {
    // The periods vpa_ensure_market_data_partitions walks (migration 0014), in the same names.
    const intraday = !isDailyOrLonger(span.timeframe);
    const result = await sql<{ name: string }>`
      select name from (
        select ${intraday ? "market_data_intraday_" : "market_data_daily_"}
          || to_char(period, ${intraday ? "YYYY_MM" : "YYYY"}) as name
        from generate_series(
          date_trunc(${intraday ? "month" : "year"}, ${span.from}::timestamptz at time zone 'Asia/Ho_Chi_Minh'),
          date_trunc(${intraday ? "month" : "year"}, ${span.to}::timestamptz at time zone 'Asia/Ho_Chi_Minh'),
          ${intraday ? "1 month" : "1 year"}::interval
        ) as period
      ) periods
      where to_regclass(quote_ident(name)) is null
      order by name
    `.execute(db);
    create.push(...result.rows.map((row) => row.name));
  }
  const drop = intradayPartitionsPastRetention(
    await listIntradayPartitions(db),
    options.now,
    options.intradayRetentionDays,
  );
  return { create, drop };
}

/** The spans kept ahead: this and the next year of daily bars, this and the next month of intraday. */
function partitionSpansAhead(now: Date): { timeframe: Timeframe; from: Date; to: Date }[] {
  return [
    { timeframe: "1D", from: now, to: new Date(now.getTime() + 366 * DAY_MS) },
    { timeframe: "1m", from: now, to: new Date(now.getTime() + 32 * DAY_MS) },
  ];
}

/**
 * The intraday partitions (by name) whose month ended more than `retentionDays` before `now`:
 * every bar they can hold is past the retention. None when the retention is null (keep all).
 */
export function intradayPartitionsPastRetention(
  names: readonly string[],
  now: Date,
  retentionDays: number | null,
): string[] {
  if (retentionDays === null) return [];
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return names.filter((name) => {
    const end = intradayPartitionEnd(name);
    return end !== null && end.getTime() <= cutoff;
  });
}

/** Names of the intraday partitions, oldest first. */
export async function listIntradayPartitions(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'market_data_intraday'::regclass
    order by c.relname
  `.execute(db);
  return result.rows.map((row) => row.name);
}

/** `market_data_intraday_2024_05` → 2024-06-01T00:00+07:00, the end of the month it holds. */
export function intradayPartitionEnd(name: string): Date | null {
  const match = INTRADAY_PARTITION.exec(name);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]); // 1-12: as a 0-based index, the next month
  return new Date(Date.UTC(year, month, 1) - VIETNAM_OFFSET_MS);
}

/**
 * How far back the last `limit` bars of a timeframe reach, at most, in a normal market: a lower
 * time bound that lets PostgreSQL skip the partitions before it. Generous (weekends, a Tet week,
 * sessions of 4 hours or more); a stock with fewer bars inside it (a suspension, a new listing) is
 * read again without it, so the bound changes what is read, never what is returned.
 */
export function recentBarsReachMs(timeframe: Timeframe, limit: number): number {
  if (timeframe === "1W") return (limit * 7 + 30) * DAY_MS;
  if (isDailyOrLonger(timeframe)) return (Math.ceil(limit * 1.5) + 30) * DAY_MS;
  const minutes = BAR_MINUTES[timeframe];
  const barsPerDay = Math.max(1, Math.floor(240 / minutes));
  const tradingDays = Math.ceil(limit / barsPerDay);
  return (Math.ceil(tradingDays * 1.5) + 15) * DAY_MS;
}

/**
 * At most how many bars of a timeframe lie in [`from`, `to`] (bar times): a calendar day holds at
 * most one daily bar and 1,440 / minutes intraday bars, a week one weekly bar. An upper bound, for
 * a read that must hold a whole window of bars (a scan's look-back): the read returns only the bars
 * that exist. 1 when the window is one bar, 0 when `to` is before `from`.
 */
export function mostBarsBetween(timeframe: Timeframe, from: string, to: string): number {
  const spanMs = barTimeToDate(to).getTime() - barTimeToDate(from).getTime();
  if (spanMs < 0) return 0;
  return Math.floor(spanMs / (BAR_MINUTES[timeframe] * 60_000)) + 1;
}
