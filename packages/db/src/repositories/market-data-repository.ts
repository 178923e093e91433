import type { Bar } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, dateToBarTime, epochSecondsToBarTime, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";
import { recentBarsReachMs, withMarketDataPartitions } from "./market-data-partitions.ts";

/** One OHLCV bar as the system passes it around (vpa-core's `Bar`): thousand VND, time as in bar-time.ts. */
export type BarRow = Bar;

export interface UpsertBarsResult {
  /** Rows inserted or changed. Re-importing identical bars changes nothing and counts 0. */
  readonly written: number;
}

/**
 * Inserts or updates the bars of one stock in a single statement. The rows travel as one array per
 * column (`unnest`), so the statement has 8 bind parameters whatever the batch size and can never
 * reach PostgreSQL's 65,535-parameter limit. A bar repeated within the batch keeps its last copy
 * (ON CONFLICT DO UPDATE may not touch one row twice).
 */
export async function upsertBars(
  db: Kysely<Database>,
  stockId: number,
  timeframe: Timeframe,
  bars: readonly BarRow[],
): Promise<UpsertBarsResult> {
  if (bars.length === 0) return { written: 0 };
  const byTime = new Map<string, BarRow>();
  for (const bar of bars) byTime.set(bar.time, bar);
  const unique = [...byTime.values()];
  const dates = unique.map((b) => barTimeToDate(b.time));
  const result = await withMarketDataPartitions(
    db,
    timeframe,
    () => dateSpan(dates),
    () =>
      sql`
    insert into market_data (stock_id, timeframe, time, open, high, low, close, volume)
    select ${stockId}::int, ${timeframe}::text, t.* from unnest(
      ${dates}::timestamptz[],
      ${unique.map((b) => b.open)}::float8[], ${unique.map((b) => b.high)}::float8[],
      ${unique.map((b) => b.low)}::float8[], ${unique.map((b) => b.close)}::float8[],
      ${unique.map((b) => Math.round(b.volume))}::int8[]
    ) as t(time, open, high, low, close, volume)
    on conflict (stock_id, timeframe, time) do update set
      open = excluded.open, high = excluded.high, low = excluded.low,
      close = excluded.close, volume = excluded.volume
    where (market_data.open, market_data.high, market_data.low, market_data.close, market_data.volume)
      is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)
  `.execute(db),
  );
  return { written: Number(result.numAffectedRows ?? 0) };
}

/** The earliest and latest of some dates (not empty). */
function dateSpan(dates: readonly Date[]): { from: Date; to: Date } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const date of dates) {
    from = Math.min(from, date.getTime());
    to = Math.max(to, date.getTime());
  }
  return { from: new Date(from), to: new Date(to) };
}

/** The earliest and latest of a column of Unix seconds (not empty), as dates. */
function secondsSpan(seconds: NumberColumn): { from: Date; to: Date } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < seconds.length; i++) {
    const value = seconds[i] as number;
    if (value < from) from = value;
    if (value > to) to = value;
  }
  return { from: new Date(from * 1000), to: new Date(to * 1000) };
}

/**
 * Bars of many stocks as parallel columns, the shape bulk imports build: row `i` is
 * (`stockIds[i]`, `times[i]`, `open[i]`, ...). Prices in thousand VND.
 */
export interface BarColumns {
  readonly stockIds: NumberColumn;
  /** Bar times as Unix seconds (a daily bar: local midnight in Asia/Ho_Chi_Minh, as in bar-time.ts). */
  readonly times: NumberColumn;
  readonly open: NumberColumn;
  readonly high: NumberColumn;
  readonly low: NumberColumn;
  readonly close: NumberColumn;
  /** Shares; rounded to whole shares when stored. */
  readonly volume: NumberColumn;
}

/** A column of finite numbers: a plain array, or a typed array (a bulk importer reuses those). */
export type NumberColumn = readonly number[] | Float64Array | Int32Array;

/**
 * How {@link writeBarColumns} writes:
 * - `upsert`: insert, or update a stored bar whose values differ (re-importing writes nothing);
 * - `insert`: plain insert, about a quarter cheaper for PostgreSQL (no speculative insertion), for
 *   stocks the caller knows have no bar in the timeframe yet. A stored bar makes the statement fail
 *   with a unique violation (SQLSTATE 23505) and write nothing; the caller then upserts instead.
 */
export type BarWriteMode = "upsert" | "insert";

/** Text form of a PostgreSQL array of numbers (small arrays: a few hundred stock ids). */
function numberArrayLiteral(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

/** PostgreSQL type OIDs of the array elements {@link binaryArray} writes. */
const ELEMENT_OID = { int4: 23, int8: 20, float8: 701, timestamptz: 1184 } as const;
const ELEMENT_BYTES = { int4: 4, int8: 8, float8: 8, timestamptz: 8 } as const;
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
const POSTGRES_EPOCH_SECONDS = 946_684_800;
const TWO_TO_32 = 4_294_967_296;

/**
 * A one-dimensional array in PostgreSQL's binary wire format (array_send/array_recv): pg sends a
 * Buffer parameter as binary, so the server reads 8-byte numbers instead of parsing decimal text
 * (float8in was a large share of its time in a bulk import), and the client writes bytes into one
 * Buffer instead of building a multi-megabyte string. `timestamptz` takes Unix seconds; `int8`
 * (rounded) and `timestamptz` values must lie within ±2^53 (volumes and whole seconds do).
 */
function binaryArray(values: NumberColumn, type: keyof typeof ELEMENT_OID): Buffer {
  const size = ELEMENT_BYTES[type];
  const buffer = Buffer.allocUnsafe(20 + values.length * (4 + size));
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // no nulls
  buffer.writeUInt32BE(ELEMENT_OID[type], 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  let offset = 20;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    buffer.writeInt32BE(size, offset);
    offset += 4;
    if (type === "float8") buffer.writeDoubleBE(value, offset);
    else if (type === "int4") buffer.writeInt32BE(value, offset);
    else {
      const whole = type === "timestamptz" ? (value - POSTGRES_EPOCH_SECONDS) * 1_000_000 : Math.round(value);
      const high = Math.floor(whole / TWO_TO_32);
      buffer.writeInt32BE(high, offset);
      buffer.writeUInt32BE(whole - high * TWO_TO_32, offset + 4);
    }
    offset += size;
  }
  return buffer;
}

/**
 * Writes the bars of many stocks in one statement (a bulk import sends ~20–50k rows per call).
 * Each column travels as one array parameter in binary form ({@link binaryArray}), so the statement
 * has 8 parameters whatever the batch size (no 65,535-parameter limit).
 *
 * Invariant: (stock, time) pairs are unique within `columns`; ON CONFLICT DO UPDATE may not touch
 * one row twice, and the caller (the importer) decides which copy of a duplicate wins.
 */
export async function writeBarColumns(
  db: Kysely<Database>,
  timeframe: Timeframe,
  columns: BarColumns,
  mode: BarWriteMode,
): Promise<UpsertBarsResult> {
  if (columns.stockIds.length === 0) return { written: 0 };
  const rows = sql`
    select t.stock_id, ${timeframe}::text, t.time, t.open, t.high, t.low, t.close, t.volume
    from unnest(
      ${binaryArray(columns.stockIds, "int4")}::int4[], ${binaryArray(columns.times, "timestamptz")}::timestamptz[],
      ${binaryArray(columns.open, "float8")}::float8[], ${binaryArray(columns.high, "float8")}::float8[],
      ${binaryArray(columns.low, "float8")}::float8[], ${binaryArray(columns.close, "float8")}::float8[],
      ${binaryArray(columns.volume, "int8")}::int8[]
    ) as t(stock_id, time, open, high, low, close, volume)
  `;
  // A bar of a period with no partition yet (an import of older history, the first bar of a
  // month the maintenance step has not reached): its partitions are created and the write redone.
  const write = () =>
    mode === "insert"
      ? sql`
          insert into market_data (stock_id, timeframe, time, open, high, low, close, volume) ${rows}
        `.execute(db)
      : sql`
          insert into market_data (stock_id, timeframe, time, open, high, low, close, volume) ${rows}
          on conflict (stock_id, timeframe, time) do update set
            open = excluded.open, high = excluded.high, low = excluded.low,
            close = excluded.close, volume = excluded.volume
          where (market_data.open, market_data.high, market_data.low, market_data.close, market_data.volume)
            is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)
        `.execute(db);
  const result = await withMarketDataPartitions(db, timeframe, () => secondsSpan(columns.times), write);
  return { written: Number(result.numAffectedRows ?? 0) };
}

/** Of the given stocks, those with no bar at all in the timeframe (one index probe per stock). */
export async function listStocksWithoutBars(
  db: Kysely<Database>,
  timeframe: Timeframe,
  stockIds: readonly number[],
): Promise<Set<number>> {
  if (stockIds.length === 0) return new Set();
  const result = await sql<{ id: number }>`
    select s.id from unnest(${numberArrayLiteral(stockIds)}::int4[]) as s(id)
    where not exists (select 1 from market_data m where m.stock_id = s.id and m.timeframe = ${timeframe})
  `.execute(db);
  return new Set(result.rows.map((row) => row.id));
}

/** A stock and a span of bar times (Unix seconds, inclusive) for {@link listStoredClosesAround}. */
export interface StoredCloseRange {
  readonly stockId: number;
  readonly from: number;
  readonly to: number;
}

/** Stored closes of one stock, oldest first: `times[i]` (Unix seconds) is the time of `closes[i]`. */
export interface StoredCloses {
  readonly times: readonly number[];
  readonly closes: readonly number[];
}

/**
 * For each range: the stock's newest stored bar at or before `from`, then every stored bar after it
 * up to `to`: what a bulk import needs to compare each new bar with the stored bar at or before its
 * time. One statement for any number of stocks (an import sends one per batch), one index probe
 * plus one range scan of the primary key per stock; the times and closes come back as two arrays
 * per stock, not one row per bar. Stocks with no stored bar in the span are absent from the map.
 * Invariant: one range per stock.
 */
export async function listStoredClosesAround(
  db: Kysely<Database>,
  timeframe: Timeframe,
  ranges: readonly StoredCloseRange[],
): Promise<Map<number, StoredCloses>> {
  if (ranges.length === 0) return new Map();
  const ids = new Int32Array(ranges.length);
  const from = new Float64Array(ranges.length);
  const to = new Float64Array(ranges.length);
  ranges.forEach((range, i) => {
    ids[i] = range.stockId;
    from[i] = range.from;
    to[i] = range.to;
  });
  const stockIds = binaryArray(ids, "int4");
  const fromTimes = binaryArray(from, "timestamptz");
  const toTimes = binaryArray(to, "timestamptz");
  const result = await sql<{ stock_id: number; times: number[]; closes: number[] }>`
    select r.stock_id,
      array_agg(extract(epoch from b.time)::float8 order by b.time) as times,
      array_agg(b.close order by b.time) as closes
    from unnest(${stockIds}::int4[], ${fromTimes}::timestamptz[], ${toTimes}::timestamptz[])
      as r(stock_id, from_time, to_time)
    cross join lateral (
      (select m.time, m.close from market_data m
        where m.stock_id = r.stock_id and m.timeframe = ${timeframe} and m.time <= r.from_time
        order by m.time desc limit 1)
      union all
      (select m.time, m.close from market_data m
        where m.stock_id = r.stock_id and m.timeframe = ${timeframe}
          and m.time > r.from_time and m.time <= r.to_time)
    ) b
    group by r.stock_id
  `.execute(db);
  return new Map(result.rows.map((row) => [row.stock_id, { times: row.times, closes: row.closes }]));
}

export interface RecentBarsQuery {
  readonly stockId: number;
  readonly timeframe: Timeframe;
  /** Newest bar to include (inclusive); default: the newest stored. */
  readonly until?: string;
  readonly limit: number;
}

/**
 * The last `limit` bars up to `until`, oldest first (the order vpa-core expects). One stock's case
 * of {@link loadRecentBarsOfStocks}.
 */
export async function loadRecentBars(db: Kysely<Database>, query: RecentBarsQuery): Promise<BarRow[]> {
  const bars = await loadRecentBarsOfStocks(db, query.timeframe, [query], query.limit);
  return bars.get(query.stockId) ?? [];
}

/** One stock of a {@link loadRecentBarsOfStocks} call: its bars up to `until` (default: the newest). */
export interface RecentBarsOfStock {
  readonly stockId: number;
  readonly until?: string;
}

/** The far future: "no upper bound" as a bind value, so every call has the same statement text. */
const NO_UPPER_BOUND = 253_402_300_799; // 9999-12-31T23:59:59Z

/** Bytes of one bar in {@link loadRecentBarsOfStocks}'s packed form: six big-endian float8. */
const PACKED_BAR_BYTES = 48;

/**
 * For each stock: its last `limit` bars up to its `until`, oldest first. One statement for any
 * number of stocks (an analyze job sends one per chunk of symbols): a lateral "top `limit`" per
 * stock walks the primary key backwards, as the one-stock query did, and packs that stock's bars
 * into one `bytea` of big-endian float8s (time as Unix seconds, open, high, low, close, volume).
 * Stocks without bars are absent from the map.
 *
 * Hot path; what it avoids, each measured (bench/scan, BENCHMARKS.md):
 * - one row per bar, and numbers as text: pg parses text arrays character by character and each
 *   number with parseFloat; the packed bytes arrive as hex, decoded natively (client CPU of loading
 *   a whole market in chunks of 50: ~550 ms as float8[] arrays, ~100 ms packed);
 * - the time formatted by PostgreSQL (`to_char` was two thirds of the statement's execution) and a
 *   Date per bar: Unix seconds, formatted by {@link epochSecondsToBarTime};
 * - an `order by` inside the aggregate (PostgreSQL 15 sorts its input again: 2–4× the statement's
 *   time). The aggregate reads the index scan's order, newest first; that is what PostgreSQL does
 *   but not what SQL promises, so the order is checked here and the bars sorted if it ever differs.
 *
 * The statement text is the same for every call and the values travel as arrays, so planning is
 * paid once per chunk: not a named prepared statement, which PgBouncer in transaction mode would
 * not keep. Invariant: one entry per stock.
 *
 * Partitions (migration 0014): each stock's window starts `recentBarsReachMs` before its `until`,
 * so the planner prunes the partitions before the chunk's earliest window; the few stocks that
 * have fewer than `limit` bars in their window read on before it (same result as an unbounded
 * read; {@link recentBarsQuery}).
 */
export async function loadRecentBarsOfStocks(
  db: Kysely<Database>,
  timeframe: Timeframe,
  stocks: readonly RecentBarsOfStock[],
  limit: number,
): Promise<Map<number, BarRow[]>> {
  if (stocks.length === 0) return new Map();
  const reach = recentBarsReachMs(timeframe, limit) / 1000;
  const ids = new Int32Array(stocks.length);
  const untils = new Float64Array(stocks.length);
  const sinces = new Float64Array(stocks.length);
  stocks.forEach((stock, i) => {
    ids[i] = stock.stockId;
    untils[i] = stock.until === undefined ? NO_UPPER_BOUND : barTimeToDate(stock.until).getTime() / 1000;
    sinces[i] = stock.until === undefined ? NO_LOWER_BOUND : untils[i] - reach;
  });
  if (stocks.length > 1)
    return runRecentBars(db, recentBarsQuery(timeframe, { ids, untils, sinces }, limit), timeframe);
  // One stock (the live stream's warm-up): planning the branch before the window (every older
  // partition) would cost more than the read; read the window, and again without it if short.
  const bars = await runRecentBars(
    db,
    recentBarsQuery(timeframe, { ids, untils, sinces }, limit, false),
    timeframe,
  );
  if ((bars.get(ids[0] as number)?.length ?? 0) >= limit || sinces[0] === NO_LOWER_BOUND) return bars;
  const everything = Float64Array.of(NO_LOWER_BOUND);
  return runRecentBars(
    db,
    recentBarsQuery(timeframe, { ids, untils, sinces: everything }, limit, false),
    timeframe,
  );
}

/** 1900-01-01T00:00:00Z: "no lower bound" as a bind value (daily bars start long after). */
const NO_LOWER_BOUND = -2_208_988_800;

/** Stocks of one {@link recentBarsQuery}: `ids[i]`'s bars in [`sinces[i]`, `untils[i]`] (Unix seconds). */
export interface RecentBarsWindows {
  readonly ids: Int32Array;
  readonly untils: Float64Array;
  readonly sinces: Float64Array;
}

/**
 * The statement of {@link loadRecentBarsOfStocks} (exported for its EXPLAIN test). Besides each
 * stock's own window, the earliest `since` and the latest `until` are bound as plain values: the
 * planner then prunes the partitions outside [earliest, latest] before execution, and the lateral
 * top-N per stock is an ordered Append of backward index scans over the few left. The bars before
 * the window come after it in a `union all` under the same limit: PostgreSQL runs that branch only
 * for a stock whose window held fewer than `limit` bars (a suspension, a young listing), and then
 * only in the partitions before its `since` (run-time pruning), so the result is exactly the
 * unbounded query's at no cost for the others (a second statement for them cost more: measured).
 * `readBefore` false leaves that branch out (the caller reads again if a stock is short).
 */
export function recentBarsQuery(
  timeframe: Timeframe,
  windows: RecentBarsWindows,
  limit: number,
  readBefore = true,
) {
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < windows.ids.length; i++) {
    earliest = Math.min(earliest, windows.sinces[i] as number);
    latest = Math.max(latest, windows.untils[i] as number);
  }
  return sql<{ stock_id: number; bars: Buffer | null }>`
    select r.stock_id, b.bars
    from unnest(
      ${binaryArray(windows.ids, "int4")}::int4[], ${binaryArray(windows.untils, "timestamptz")}::timestamptz[],
      ${binaryArray(windows.sinces, "timestamptz")}::timestamptz[]
    ) as r(stock_id, until, since)
    cross join lateral (
      select string_agg(
        float8send(extract(epoch from t.time)::float8) || float8send(t.open) || float8send(t.high)
          || float8send(t.low) || float8send(t.close) || float8send(t.volume::float8),
        ''::bytea) as bars
      from (
        (select m.time, m.open, m.high, m.low, m.close, m.volume from market_data m
          where m.stock_id = r.stock_id and m.timeframe = ${timeframe}
            and m.time <= r.until and m.time >= r.since
            and m.time >= ${new Date(earliest * 1000)}::timestamptz and m.time <= ${new Date(latest * 1000)}::timestamptz
          order by m.time desc limit ${limit})
        ${
          readBefore
            ? sql`union all
        (select m.time, m.open, m.high, m.low, m.close, m.volume from market_data m
          where m.stock_id = r.stock_id and m.timeframe = ${timeframe}
            and m.time < r.since and m.time <= ${new Date(latest * 1000)}::timestamptz
          order by m.time desc limit ${limit})
        limit ${limit}`
            : sql``
        }
      ) t
    ) b
  `;
}

async function runRecentBars(
  db: Kysely<Database>,
  query: ReturnType<typeof recentBarsQuery>,
  timeframe: Timeframe,
): Promise<Map<number, BarRow[]>> {
  const result = await query.execute(db);
  const bars = new Map<number, BarRow[]>();
  const timeText = new Map<number, string>();
  for (const row of result.rows) {
    if (row.bars === null) continue; // no bars: string_agg of nothing is null
    bars.set(row.stock_id, unpackBars(row.bars, timeframe, timeText));
  }
  return bars;
}

/**
 * The bars packed by {@link loadRecentBarsOfStocks} (newest first), oldest first. The bytes are
 * swapped to the machine's order in place (one native call) and read through a Float64Array,
 * several times faster than `readDoubleBE` per value; `timeText` caches the formatted times, which
 * repeat across the stocks of a chunk (the same sessions).
 */
function unpackBars(packed: Buffer, timeframe: Timeframe, timeText: Map<number, string>): BarRow[] {
  const count = packed.length / PACKED_BAR_BYTES;
  const values = machineOrderFloat64s(packed);
  const bars: BarRow[] = new Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    const at = i * 6;
    const seconds = values[at] as number;
    let time = timeText.get(seconds);
    if (time === undefined) {
      time = epochSecondsToBarTime(seconds, timeframe);
      timeText.set(seconds, time);
    }
    bars[count - 1 - i] = {
      time,
      open: values[at + 1] as number,
      high: values[at + 2] as number,
      low: values[at + 3] as number,
      close: values[at + 4] as number,
      volume: values[at + 5] as number,
    };
    if (i > 0 && seconds >= (values[at - 6] as number)) sorted = false;
  }
  // Same-timeframe bar times are distinct, and times in one notation sort as strings.
  if (!sorted) bars.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return bars;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Big-endian float8s (PostgreSQL's `float8send`) as a Float64Array in the machine's byte order. */
function machineOrderFloat64s(packed: Buffer): Float64Array {
  // A Float64Array needs an 8-byte-aligned offset; pg's Buffer may sit anywhere in a pooled slab.
  let aligned = packed;
  if (packed.byteOffset % 8 !== 0) {
    aligned = Buffer.from(new ArrayBuffer(packed.length));
    packed.copy(aligned);
  }
  if (LITTLE_ENDIAN) aligned.swap64();
  return new Float64Array(aligned.buffer, aligned.byteOffset, aligned.length / 8);
}

export interface LatestBar {
  readonly stockId: number;
  readonly symbol: string;
  readonly time: string;
}

/**
 * For each active stock (or the given symbols) that has bars: its newest bar time. Indices
 * (`is_index`) are left out, named or not: this is the list a scan analyses.
 */
export async function listLatestBars(
  db: Kysely<Database>,
  timeframe: Timeframe,
  symbols?: readonly string[],
): Promise<LatestBar[]> {
  const symbolFilter = symbols === undefined ? sql`true` : sql`s.symbol = any(${[...symbols]}::text[])`;
  // A lateral "top 1" per stock walks the primary key backwards: one index probe per stock.
  const result = await sql<{ stock_id: number; symbol: string; time: Date }>`
    select s.id as stock_id, s.symbol, last.time
    from stocks s
    cross join lateral (
      select m.time from market_data m
      where m.stock_id = s.id and m.timeframe = ${timeframe}
      order by m.time desc limit 1
    ) last
    where s.is_active and not s.is_index and ${symbolFilter}
    order by s.symbol
  `.execute(db);
  return result.rows.map((row) => ({
    stockId: row.stock_id,
    symbol: row.symbol,
    time: dateToBarTime(row.time, timeframe),
  }));
}
