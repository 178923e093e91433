import type { Bias, market } from "@vpa/core";
import { CONFIDENCE_BANDS, LIQUIDITY_BANDS, SCORE_BANDS } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/**
 * The stored signal track record (migration 0008): per (signal, horizon) outcomes of stored
 * signals, kept current by the scanner's update after each close. Glossary: an **outcome row** is
 * one (signal, horizon); it is **open** while its own trade or its chance entry is not final.
 */

/** What the stored rows were computed with. */
export interface TrackRecordSettings {
  readonly seed: number;
  readonly brokerageRate: number;
  readonly horizons: readonly number[];
}

/** The settings the stored rows use, or undefined before the first update. */
export async function getTrackRecordSettings(db: Kysely<Database>): Promise<TrackRecordSettings | undefined> {
  const row = await db
    .selectFrom("signal_track_record_settings")
    .select(["seed", "brokerage_rate", "horizons"])
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { seed: row.seed, brokerageRate: row.brokerage_rate, horizons: row.horizons.map(Number) };
}

/** Records the settings unless some are stored; returns the stored ones (compare them with yours). */
export async function saveTrackRecordSettings(
  db: Kysely<Database>,
  settings: TrackRecordSettings,
): Promise<TrackRecordSettings> {
  await sql`
    insert into signal_track_record_settings (seed, brokerage_rate, horizons)
    values (${settings.seed}, ${settings.brokerageRate}, ${[...settings.horizons]}::int2[])
    on conflict (id) do nothing
  `.execute(db);
  return (await getTrackRecordSettings(db))!;
}

/**
 * The newest bar date of the market in a timeframe (`YYYY-MM-DD`), or undefined without bars.
 * Indices are left out: an index series may run past the stocks' bars (the shared VN30 file ends
 * in 2023, the stocks in 2021), and chance draws must wait for the stocks' sessions.
 */
export async function findNewestBarDate(
  db: Kysely<Database>,
  timeframe: Timeframe,
): Promise<string | undefined> {
  // One backward index probe per stock: max(time) over the whole table would scan it.
  const result = await sql<{ newest: string | null }>`
    select to_char(max(last.time) at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as newest
    from stocks s cross join lateral (
      select m.time from market_data m where m.stock_id = s.id and m.timeframe = ${timeframe}
      order by m.time desc limit 1
    ) last
    where not s.is_index
  `.execute(db);
  return result.rows[0]?.newest ?? undefined;
}

/** The state of one stored outcome row, as the update needs it to tell what changed. */
export interface StoredOutcomeState {
  readonly horizon: number;
  readonly final: boolean;
  readonly chanceFinal: boolean;
  readonly chanceStatus: "drawn" | "waiting" | "none";
  /** The date a waiting draw waits for (`YYYY-MM-DD`), else null. */
  readonly chanceWaitingUntil: string | null;
}

/** A stored signal the update must (re)compute. */
export interface TrackRecordWorkSignal {
  readonly id: number;
  readonly time: string;
  readonly type: string;
  readonly bias: Bias;
  readonly score: number;
  readonly confidence: number;
  readonly trend: string;
  /** No outcome rows yet. */
  readonly isNew: boolean;
  /**
   * Its chance draw as stored (the same on every row of a signal), or null when it must be drawn:
   * a new signal, or a draw waiting for a date the data has reached.
   */
  readonly knownChance:
    | { readonly status: "drawn"; readonly time: string }
    | { readonly status: "waiting"; readonly until: string }
    | { readonly status: "none" }
    | null;
  /** Its stored rows (empty when new). */
  readonly stored: readonly StoredOutcomeState[];
}

/** One stock's share of an update: its signals and the first bar date it must load. */
export interface TrackRecordWork {
  readonly stockId: number;
  readonly symbol: string;
  readonly exchange: market.Exchange | null;
  /** Load bars from this date: the chance draw's year and the 20 bars before a new signal. */
  readonly loadFrom: string;
  /** The stock's 41st bar (index 40): chance entries are drawn from there on; null below 41 bars. */
  readonly eligibleFrom: string | null;
  readonly signals: readonly TrackRecordWorkSignal[];
}

export interface TrackRecordWorkQuery {
  readonly timeframe: Timeframe;
  /** The newest bar date of the data (`findNewestBarDate`). */
  readonly asOf: string;
  /**
   * New signals are looked for above the highest signal id already taken in, less this many:
   * concurrent analyze jobs may commit ids out of order (a few apart: each stores one symbol's
   * signals of one bar).
   * @defaultValue 2000
   */
  readonly idRewind?: number;
}

interface WorkRow {
  id: number;
  is_new: boolean;
  stock_id: number;
  symbol: string;
  exchange: market.Exchange | null;
  time: string;
  type: string;
  bias: Bias;
  score: number;
  confidence: number;
  trend: string;
  redraw: boolean;
  load_from: string;
  stored:
    | {
        h: number;
        f: boolean;
        cf: boolean;
        cs: "drawn" | "waiting" | "none";
        ct: string | null;
        cu: string | null;
      }[]
    | null;
}

/** How long {@link findTrackRecordWork}'s read may run (a whole market's history: ~1 minute). */
const TRACK_RECORD_WORK_TIMEOUT = "10min";

/**
 * The signals whose track record can move as of `asOf`, by stock: signals never taken in, rows
 * whose own trade or drawn chance entry is not final, and chance draws waiting for a date the
 * data has reached. Everything else (final rows, draws waiting for a later date) is not read.
 */
export async function findTrackRecordWork(
  db: Kysely<Database>,
  query: TrackRecordWorkQuery,
): Promise<TrackRecordWork[]> {
  const asOf = barTimeToDate(query.asOf);
  const rewind = query.idRewind ?? 2_000;
  // A literal lower bound (not a subquery) lets the planner scan vpa_signals' primary key range.
  const newest = await sql<{ id: string | null }>`select max(signal_id) as id from signal_outcomes`.execute(
    db,
  );
  const lowestNewId = Number(newest.rows[0]?.id ?? 0) - rewind;
  const work = sql<WorkRow>`
    with taken as (
      select s.id, true as is_new, true as redraw
      from vpa_signals s
      where s.id > ${lowestNewId} and s.timeframe = ${query.timeframe} and s.time <= ${asOf}
        and not exists (
          select 1 from signal_outcomes o where o.signal_id = s.id and o.signal_id > ${lowestNewId}
        )
      union all
      select distinct o.signal_id, false, false
      from signal_outcomes o
      where o.net_return is null or (o.chance_status = 'drawn' and o.chance_net_return is null)
      union all
      select distinct o.signal_id, false, true
      from signal_outcomes o
      where o.chance_status = 'waiting' and o.chance_waiting_until <= ${query.asOf}::date
    ),
    work as (select id, bool_or(is_new) as is_new, bool_or(redraw) as redraw from taken group by id)
    select w.id, w.is_new, w.redraw, s.stock_id, st.symbol, st.exchange,
      to_char(s.time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as time,
      s.type, s.bias, s.score, s.confidence::float8 as confidence, s.trend,
      to_char(
        case when w.redraw then least(
          date_trunc('year', s.time at time zone 'Asia/Ho_Chi_Minh') at time zone 'Asia/Ho_Chi_Minh',
          coalesce((
            select m.time from market_data m
            where m.stock_id = s.stock_id and m.timeframe = s.timeframe and m.time <= s.time
            order by m.time desc offset 19 limit 1
          ), s.time))
        else least(s.time, coalesce(
          (select min(o.chance_bar_time) from signal_outcomes o where o.signal_id = s.id), s.time))
        end at time zone 'Asia/Ho_Chi_Minh',
        'YYYY-MM-DD') as load_from,
      (select json_agg(json_build_object('h', o.horizon, 'f', o.net_return is not null,
          'cf', o.chance_net_return is not null, 'cs', o.chance_status,
          'ct', to_char(o.chance_bar_time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'),
          'cu', to_char(o.chance_waiting_until, 'YYYY-MM-DD')) order by o.horizon)
        from signal_outcomes o where o.signal_id = s.id) as stored
    from work w
    join vpa_signals s on s.id = w.id
    join stocks st on st.id = s.stock_id
    order by st.symbol, s.time, s.type
  `;
  // Every signal not yet in the track record is read here: after a history backfill (`vpa scan
  // --no-alerts`) that is all of them, 55 s for the whole market's 422,711 of 2000–2021 on a
  // two-core machine, past the pool's 30 s. A bound of its own, in a transaction of its own (`set
  // local`: right through PgBouncer's transaction pooling too); a daily update reads a few hundred.
  const result = await db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = ${sql.lit(TRACK_RECORD_WORK_TIMEOUT)}`.execute(trx);
    return work.execute(trx);
  });
  const byStock = new Map<
    number,
    { work: Omit<TrackRecordWork, "eligibleFrom">; signals: TrackRecordWorkSignal[] }
  >();
  for (const row of result.rows) {
    let entry = byStock.get(row.stock_id);
    if (entry === undefined) {
      const signals: TrackRecordWorkSignal[] = [];
      entry = {
        work: {
          stockId: row.stock_id,
          symbol: row.symbol,
          exchange: row.exchange,
          loadFrom: row.load_from,
          signals,
        },
        signals,
      };
      byStock.set(row.stock_id, entry);
    }
    if (row.load_from < entry.work.loadFrom) entry.work = { ...entry.work, loadFrom: row.load_from };
    const stored = row.stored ?? [];
    const first = stored[0];
    const knownChance: TrackRecordWorkSignal["knownChance"] =
      row.redraw || first === undefined
        ? null
        : first.cs === "drawn"
          ? { status: "drawn", time: first.ct! }
          : first.cs === "waiting"
            ? { status: "waiting", until: first.cu! }
            : { status: "none" };
    entry.signals.push({
      id: Number(row.id),
      time: row.time,
      type: row.type,
      bias: row.bias,
      score: row.score,
      confidence: row.confidence,
      trend: row.trend,
      isNew: row.is_new,
      knownChance,
      stored: stored.map((s) => ({
        horizon: s.h,
        final: s.f,
        chanceFinal: s.cf,
        chanceStatus: s.cs,
        chanceWaitingUntil: s.cu,
      })),
    });
  }
  if (byStock.size === 0) return [];
  const stockIds = [...byStock.keys()];
  const eligible = await sql<{ stock_id: number; eligible_from: string | null }>`
    select ids.stock_id, (
      select to_char(m.time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') from market_data m
      where m.stock_id = ids.stock_id and m.timeframe = ${query.timeframe}
      order by m.time offset 40 limit 1
    ) as eligible_from
    from unnest(${stockIds}::int[]) as ids(stock_id)
  `.execute(db);
  const eligibleOf = new Map(eligible.rows.map((r) => [r.stock_id, r.eligible_from]));
  return [...byStock.values()].map(({ work }) => ({
    ...work,
    eligibleFrom: eligibleOf.get(work.stockId) ?? null,
  }));
}

/** One stock's bars in columns (thousand VND, `YYYY-MM-DD`), oldest first. */
export interface TrackRecordBars {
  readonly stockId: number;
  readonly time: string[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  readonly volume: number[];
}

/** Each stock's bars from its `from` date through `to`, in one round trip. */
export async function loadTrackRecordBars(
  db: Kysely<Database>,
  timeframe: Timeframe,
  windows: readonly { readonly stockId: number; readonly from: string }[],
  to: string,
): Promise<TrackRecordBars[]> {
  if (windows.length === 0) return [];
  // A lateral range scan of the primary key per stock: a join would let the planner scan every bar.
  const result = await sql<TrackRecordBars & { stock_id: number }>`
    select w.stock_id, b.time, b.open, b.high, b.low, b.close, b.volume
    from unnest(${windows.map((w) => w.stockId)}::int[], ${windows.map((w) => barTimeToDate(w.from))}::timestamptz[])
      as w(stock_id, from_time)
    cross join lateral (
      select array_agg(to_char(m.time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') order by m.time) as time,
        array_agg(m.open order by m.time) as open, array_agg(m.high order by m.time) as high,
        array_agg(m.low order by m.time) as low, array_agg(m.close order by m.time) as close,
        array_agg(m.volume::float8 order by m.time) as volume
      from market_data m
      where m.stock_id = w.stock_id and m.timeframe = ${timeframe}
        and m.time >= w.from_time and m.time <= ${barTimeToDate(to)}
    ) b
    where b.time is not null
  `.execute(db);
  return result.rows.map(({ stock_id, time, open, high, low, close, volume }) => ({
    stockId: stock_id,
    time,
    open,
    high,
    low,
    close,
    volume,
  }));
}

/** A trade's two ends (thousand VND, `YYYY-MM-DD`). */
export interface StoredTrade {
  readonly entryTime: string;
  readonly entryPrice: number;
  readonly exitTime: string;
  readonly exitPrice: number;
  readonly netReturn: number;
}

/** One (signal, horizon) to store: vpa-core's OutcomeRow with the stored signal's id. */
export interface SignalOutcomeInput {
  readonly signalId: number;
  readonly horizon: number;
  readonly averageTradedValue: number;
  readonly liquidityBand: string;
  readonly outcome: StoredTrade | null;
  readonly hit: boolean | null;
  readonly chance:
    | { readonly status: "drawn"; readonly time: string }
    | { readonly status: "waiting"; readonly until: string }
    | { readonly status: "none" };
  readonly chanceOutcome: StoredTrade | null;
  readonly chanceHit: boolean | null;
}

/** Rows per statement: 19 arrays of this many values each, far from any limit, and one round trip. */
export const OUTCOME_UPSERT_BATCH = 5_000;

/**
 * Stores outcome rows, `OUTCOME_UPSERT_BATCH` per statement through `unnest`. A row already there
 * gets its trade and chance columns replaced; its liquidity stays as first computed (a later update
 * loads too few bars before the signal to recompute it). Returns the number of rows written.
 */
export async function upsertSignalOutcomes(
  db: Kysely<Database>,
  rows: readonly SignalOutcomeInput[],
): Promise<number> {
  let written = 0;
  for (let start = 0; start < rows.length; start += OUTCOME_UPSERT_BATCH) {
    const batch = rows.slice(start, start + OUTCOME_UPSERT_BATCH);
    const column = <T>(pick: (row: SignalOutcomeInput) => T): T[] => batch.map(pick);
    const time = (value: string | undefined) => (value === undefined ? null : barTimeToDate(value));
    const result = await sql`
      insert into signal_outcomes (signal_id, horizon, average_traded_value, liquidity_band,
        entry_time, entry_price, exit_time, exit_price, net_return, hit,
        chance_status, chance_bar_time, chance_waiting_until,
        chance_entry_time, chance_entry_price, chance_exit_time, chance_exit_price, chance_net_return, chance_hit)
      select * from unnest(
        ${column((r) => r.signalId)}::int8[], ${column((r) => r.horizon)}::int2[],
        ${column((r) => r.averageTradedValue)}::float8[], ${column((r) => r.liquidityBand)}::text[],
        ${column((r) => time(r.outcome?.entryTime))}::timestamptz[], ${column((r) => r.outcome?.entryPrice ?? null)}::float8[],
        ${column((r) => time(r.outcome?.exitTime))}::timestamptz[], ${column((r) => r.outcome?.exitPrice ?? null)}::float8[],
        ${column((r) => r.outcome?.netReturn ?? null)}::float8[], ${column((r) => r.hit)}::bool[],
        ${column((r) => r.chance.status)}::text[],
        ${column((r) => (r.chance.status === "drawn" ? barTimeToDate(r.chance.time) : null))}::timestamptz[],
        ${column((r) => (r.chance.status === "waiting" ? r.chance.until : null))}::date[],
        ${column((r) => time(r.chanceOutcome?.entryTime))}::timestamptz[],
        ${column((r) => r.chanceOutcome?.entryPrice ?? null)}::float8[],
        ${column((r) => time(r.chanceOutcome?.exitTime))}::timestamptz[],
        ${column((r) => r.chanceOutcome?.exitPrice ?? null)}::float8[],
        ${column((r) => r.chanceOutcome?.netReturn ?? null)}::float8[], ${column((r) => r.chanceHit)}::bool[]
      )
      on conflict (signal_id, horizon) do update set
        entry_time = excluded.entry_time, entry_price = excluded.entry_price,
        exit_time = excluded.exit_time, exit_price = excluded.exit_price,
        net_return = excluded.net_return, hit = excluded.hit,
        chance_status = excluded.chance_status, chance_bar_time = excluded.chance_bar_time,
        chance_waiting_until = excluded.chance_waiting_until,
        chance_entry_time = excluded.chance_entry_time, chance_entry_price = excluded.chance_entry_price,
        chance_exit_time = excluded.chance_exit_time, chance_exit_price = excluded.chance_exit_price,
        chance_net_return = excluded.chance_net_return, chance_hit = excluded.chance_hit,
        updated_at = now()
    `.execute(db);
    written += Number(result.numAffectedRows ?? 0);
  }
  return written;
}

/**
 * A group of stored outcomes: every filter given must hold (`SPRING · HOSE · score 70-79`, at
 * horizon 5). Bands are the ASCII keys of vpa-core's SCORE_BANDS / CONFIDENCE_BANDS /
 * LIQUIDITY_BANDS; `year` is the signal's calendar year.
 */
export interface TrackRecordGroupQuery {
  readonly timeframe?: Timeframe;
  readonly horizon: number;
  readonly type?: string;
  readonly bias?: Bias;
  /** `HOSE`, `HNX`, `UPCOM`, or `unknown` for stocks without one. */
  readonly exchange?: string;
  readonly scoreBand?: string;
  readonly confidenceBand?: string;
  readonly trend?: string;
  readonly liquidityBand?: string;
  readonly year?: number;
  /** Signals dated in [from, to] (`YYYY-MM-DD`). */
  readonly from?: string;
  readonly to?: string;
}

/** A stored group's aggregates (computed by PostgreSQL) and its returns, for intervals. */
export interface StoredTrackRecordGroup {
  /** Final signals (their t+h bar exists). */
  readonly count: number;
  readonly hits: number;
  readonly meanNetReturn: number | null;
  readonly medianNetReturn: number | null;
  readonly chanceCount: number;
  readonly chanceHits: number;
  readonly chanceMeanNetReturn: number | null;
  /** Signals of the group not final yet. */
  readonly pending: number;
  /** The final signals' net returns and their chance entries' (those final), ascending. */
  readonly netReturns: number[];
  readonly chanceNetReturns: number[];
}

/** @throws RangeError for a band key that is not one of vpa-core's. */
function bandRange(
  bands: readonly { key: string; min: number; max: number }[],
  key: string,
): [number, number] {
  const band = bands.find((b) => b.key === key);
  if (band === undefined)
    throw new RangeError(`unknown band ${JSON.stringify(key)}: one of ${bands.map((b) => b.key).join(", ")}`);
  return [band.min, band.max];
}

/** `column >= min and column < max`, without the upper bound for the open last band. */
function inBand(column: ReturnType<typeof sql.ref>, [min, max]: [number, number]) {
  return Number.isFinite(max) ? sql`${column} >= ${min} and ${column} < ${max}` : sql`${column} >= ${min}`;
}

/**
 * Reads one group of the stored track record: the aggregates PostgreSQL computes (count, hits,
 * mean, median) and the returns themselves, so that vpa-core's `summarizeOutcomeGroup` can add the
 * bootstrap interval and the verdict against chance.
 *
 * @example
 * const group = await readTrackRecordGroup(db, { type: "SPRING", exchange: "HOSE", scoreBand: "70-79", horizon: 5 });
 * summarizeOutcomeGroup("bull", Float64Array.from(group.netReturns), Float64Array.from(group.chanceNetReturns),
 *   { seed, key: "SPRING|HOSE|70-79|5" });
 */
export async function readTrackRecordGroup(
  db: Kysely<Database>,
  query: TrackRecordGroupQuery,
): Promise<StoredTrackRecordGroup> {
  const filters = [sql`o.horizon = ${query.horizon}`, sql`s.timeframe = ${query.timeframe ?? "1D"}`];
  if (query.type !== undefined) filters.push(sql`s.type = ${query.type}`);
  if (query.bias !== undefined) filters.push(sql`s.bias = ${query.bias}`);
  if (query.exchange !== undefined)
    filters.push(
      query.exchange === "unknown" ? sql`st.exchange is null` : sql`st.exchange = ${query.exchange}`,
    );
  if (query.trend !== undefined) filters.push(sql`s.trend = ${query.trend}`);
  if (query.liquidityBand !== undefined) {
    bandRange(LIQUIDITY_BANDS, query.liquidityBand);
    filters.push(sql`o.liquidity_band = ${query.liquidityBand}`);
  }
  if (query.scoreBand !== undefined) {
    filters.push(inBand(sql.ref("s.score"), bandRange(SCORE_BANDS, query.scoreBand)));
  }
  if (query.confidenceBand !== undefined) {
    filters.push(inBand(sql.ref("s.confidence"), bandRange(CONFIDENCE_BANDS, query.confidenceBand)));
  }
  if (query.year !== undefined)
    filters.push(sql`extract(year from s.time at time zone 'Asia/Ho_Chi_Minh') = ${query.year}`);
  if (query.from !== undefined) filters.push(sql`s.time >= ${barTimeToDate(query.from)}`);
  if (query.to !== undefined) filters.push(sql`s.time <= ${barTimeToDate(query.to)}`);
  const hit = sql`case when s.bias = 'bull' then o.net_return > 0 else o.net_return < 0 end`;
  const chanceHit = sql`case when s.bias = 'bull' then o.chance_net_return > 0 else o.chance_net_return < 0 end`;
  const result = await sql<{
    count: string;
    hits: string;
    mean: number | null;
    median: number | null;
    chance_count: string;
    chance_hits: string;
    chance_mean: number | null;
    pending: string;
    returns: number[] | null;
    chance_returns: number[] | null;
  }>`
    select count(o.net_return) as count,
      count(*) filter (where ${hit}) as hits,
      avg(o.net_return) as mean,
      percentile_cont(0.5) within group (order by o.net_return) as median,
      count(o.chance_net_return) filter (where o.net_return is not null) as chance_count,
      count(*) filter (where o.net_return is not null and ${chanceHit}) as chance_hits,
      avg(o.chance_net_return) filter (where o.net_return is not null) as chance_mean,
      count(*) filter (where o.net_return is null) as pending,
      array_agg(o.net_return order by o.net_return) filter (where o.net_return is not null) as returns,
      array_agg(o.chance_net_return order by o.chance_net_return)
        filter (where o.net_return is not null and o.chance_net_return is not null) as chance_returns
    from signal_outcomes o
    join vpa_signals s on s.id = o.signal_id
    join stocks st on st.id = s.stock_id
    where ${sql.join(filters, sql` and `)}
  `.execute(db);
  const row = result.rows[0]!;
  return {
    count: Number(row.count),
    hits: Number(row.hits),
    meanNetReturn: row.mean,
    medianNetReturn: row.median,
    chanceCount: Number(row.chance_count),
    chanceHits: Number(row.chance_hits),
    chanceMeanNetReturn: row.chance_mean,
    pending: Number(row.pending),
    netReturns: row.returns ?? [],
    chanceNetReturns: row.chance_returns ?? [],
  };
}

/**
 * Where the stored track record stands, as a stamp that changes whenever one of its figures can:
 * the newest signal taken in, and the number of rows still open or waiting for a chance draw's
 * date. A row that becomes final leaves the open (or waiting) set, and a signal taken in raises
 * the newest id, so an update that moves anything moves the stamp. Three index probes (the primary
 * key and migration 0008's two partial indexes, which hold only the last weeks' rows): callers
 * that cache figures (the alert worker's evidence lines) compare it before each use.
 */
export async function readTrackRecordStamp(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ newest: string | null; open: string; waiting: string }>`
    select (select max(signal_id) from signal_outcomes) as newest,
      (select count(*) from signal_outcomes
        where net_return is null or (chance_status = 'drawn' and chance_net_return is null)) as open,
      (select count(*) from signal_outcomes where chance_status = 'waiting') as waiting
  `.execute(db);
  const row = result.rows[0]!;
  return `${row.newest ?? 0}|${row.open}|${row.waiting}`;
}

/**
 * One cell of the stored track record at one horizon: the final outcomes of the signals of one
 * type, bias, exchange and score. Any group of those four (`SPRING · HOSE · score 70-79`) is a
 * union of cells; `day` numbers are Vietnam dates as days since 1970-01-01.
 */
export interface TrackRecordCell {
  readonly type: string;
  readonly bias: Bias;
  /** `HOSE`, `HNX`, `UPCOM`, or null for a stock without one. */
  readonly exchange: string | null;
  readonly score: number;
  /** The final signals' net returns, and the day each became final (the day of its exit bar). */
  readonly netReturns: Float64Array;
  readonly finalDays: Int32Array;
  /**
   * Each one's chance entry: its net return, NaN while not final (or when there is none), and the
   * day it became final (0 where the return is NaN).
   */
  readonly chanceNetReturns: Float64Array;
  readonly chanceFinalDays: Int32Array;
}

/** One outcome as {@link readTrackRecordCells} packs it: float8, int4, float8, int4, big-endian. */
const PACKED_OUTCOME_BYTES = 24;

/**
 * Every final outcome at one horizon, by cell, in one pass over the horizon's rows: what a cache
 * of group figures (apps/alerts/src/evidence) loads once per update of the track record, then
 * answers any type × exchange × score band group from memory. Only final outcomes are read: a
 * pending row is in no figure. The outcomes come packed in binary, 24 bytes each, into typed
 * arrays: the whole market's 422,711 signals (2000–2021) keep ~10 MiB, where float arrays sent as
 * text kept ~28 MiB and left far more garbage to parse.
 */
export async function readTrackRecordCells(
  db: Kysely<Database>,
  query: { readonly horizon: number; readonly timeframe?: Timeframe },
): Promise<TrackRecordCell[]> {
  const day = (column: ReturnType<typeof sql.ref>) =>
    sql`((${column} at time zone 'Asia/Ho_Chi_Minh')::date - date '1970-01-01')`;
  const result = await sql<{
    type: string;
    bias: Bias;
    exchange: string | null;
    score: number;
    outcomes: Buffer;
  }>`
    select s.type, s.bias, st.exchange, s.score,
      string_agg(
        float8send(o.net_return) || int4send(${day(sql.ref("o.exit_time"))})
          || float8send(coalesce(o.chance_net_return, 'NaN'::float8))
          || int4send(case when o.chance_net_return is null then 0 else ${day(sql.ref("o.chance_exit_time"))} end),
        ''::bytea) as outcomes
    from signal_outcomes o
    join vpa_signals s on s.id = o.signal_id
    join stocks st on st.id = s.stock_id
    where o.horizon = ${query.horizon} and o.net_return is not null and s.timeframe = ${query.timeframe ?? "1D"}
    group by s.type, s.bias, st.exchange, s.score
  `.execute(db);
  return result.rows.map((row) => ({
    type: row.type,
    bias: row.bias,
    exchange: row.exchange,
    score: row.score,
    ...unpackOutcomes(row.outcomes),
  }));
}

function unpackOutcomes(bytes: Buffer) {
  const count = bytes.length / PACKED_OUTCOME_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const netReturns = new Float64Array(count);
  const finalDays = new Int32Array(count);
  const chanceNetReturns = new Float64Array(count);
  const chanceFinalDays = new Int32Array(count);
  for (let i = 0, at = 0; i < count; i++, at += PACKED_OUTCOME_BYTES) {
    netReturns[i] = view.getFloat64(at);
    finalDays[i] = view.getInt32(at + 8);
    chanceNetReturns[i] = view.getFloat64(at + 12);
    chanceFinalDays[i] = view.getInt32(at + 20);
  }
  return { netReturns, finalDays, chanceNetReturns, chanceFinalDays };
}

/** How far the track record has taken in the stored daily signals (`vpa status`, `vpa import`, GET /status). */
export interface TrackRecordCoverage {
  /** False while the track record holds no row. */
  readonly started: boolean;
  /** Daily signals stored after the newest one taken in (all of them when not started). */
  readonly untracked: number;
}

/**
 * Two index probes while the track record keeps up (under 3 ms on the whole market's 1.7 million
 * rows; up to 0.15 s right after a bulk backfill, until autovacuum analyses the table); counting
 * its rows took 0.9 s. Signals are taken in by id, newest last (findTrackRecordWork), so
 * the ones after the newest taken in are the ones it has not seen.
 */
export async function readTrackRecordCoverage(db: Kysely<Database>): Promise<TrackRecordCoverage> {
  const newest = await sql<{ id: string | null }>`select max(signal_id) as id from signal_outcomes`.execute(
    db,
  );
  const newestId = newest.rows[0]?.id ?? null;
  // A literal bound, not a subquery: the planner then reads only the primary key's range after it.
  const untracked = await sql<{ count: string }>`
    select count(*) as count from vpa_signals where timeframe = '1D' and id > ${Number(newestId ?? 0)}
  `.execute(db);
  return { started: newestId !== null, untracked: Number(untracked.rows[0]?.count ?? 0) };
}
