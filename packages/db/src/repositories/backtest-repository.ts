import type { market } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, isDailyOrLonger, type Timeframe } from "../bar-time.ts";
import type { BacktestRunKind, BacktestRunStatus, Database } from "../schema.ts";

/** A stored backtest run or sweep. `config`, `metrics` and `summary` are the JSON the job wrote. */
export interface BacktestRunRow {
  readonly id: string;
  readonly kind: BacktestRunKind;
  readonly parentId: string | null;
  readonly status: BacktestRunStatus;
  readonly config: unknown;
  readonly progress: number;
  readonly metrics: unknown;
  readonly summary: unknown;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** One trade as the engine reports it (vpa-core's BacktestTrade, structurally). Money in VND. */
export interface BacktestTradeRow {
  readonly symbol: string;
  readonly signalType: string;
  readonly signalTime: string;
  readonly signalScore: number;
  readonly entryTime: string;
  readonly entryPrice: number;
  readonly quantity: number;
  readonly exitTime: string;
  readonly exitPrice: number;
  readonly exitReason: string;
  readonly holdingDays: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly tax: number;
  readonly netPnl: number;
  readonly netReturn: number;
}

/** The equity curve in columns, one entry per session (vpa-core's EquitySeries, structurally). */
export interface BacktestEquityColumns {
  readonly time: readonly string[];
  readonly equity: readonly number[];
  readonly cash: readonly number[];
  readonly invested: readonly number[];
  readonly positions: readonly number[];
  readonly benchmark: readonly number[];
  readonly index: readonly (number | null)[] | null;
}

const RUN_COLUMNS = [
  "id",
  "kind",
  "parent_id",
  "status",
  "config",
  "progress",
  "metrics",
  "summary",
  "error",
  "created_at",
  "started_at",
  "finished_at",
] as const;

type RunSelection = {
  id: string;
  kind: BacktestRunKind;
  parent_id: string | null;
  status: BacktestRunStatus;
  config: unknown;
  progress: number;
  metrics: unknown;
  summary: unknown;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

function toRun(row: RunSelection): BacktestRunRow {
  return {
    id: row.id,
    kind: row.kind,
    parentId: row.parent_id,
    status: row.status,
    config: row.config,
    progress: row.progress,
    metrics: row.metrics,
    summary: row.summary,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface NewBacktestRun {
  readonly id: string;
  readonly kind: BacktestRunKind;
  readonly parentId?: string | null;
  readonly config: unknown;
}

/**
 * Registers a run; a run id already stored is left as it was (idempotent re-submission). Returns
 * the stored row and whether this call created it: the caller compares `config` to tell a
 * re-submission from a clash of ids.
 */
export async function createBacktestRun(
  db: Kysely<Database>,
  run: NewBacktestRun,
): Promise<{ readonly run: BacktestRunRow; readonly created: boolean }> {
  const inserted = await db
    .insertInto("backtest_runs")
    .values({
      id: run.id,
      kind: run.kind,
      parent_id: run.parentId ?? null,
      config: JSON.stringify(run.config),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning(RUN_COLUMNS)
    .executeTakeFirst();
  if (inserted !== undefined) return { run: toRun(inserted as RunSelection), created: true };
  const existing = await getBacktestRun(db, run.id);
  if (existing === undefined) throw new Error(`backtest run ${run.id} vanished while being created`);
  return { run: existing, created: false };
}

/** Puts a failed or cancelled run back to `queued`, its progress and error cleared, to run again. */
export async function requeueBacktestRun(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("backtest_runs")
    .set({ status: "queued", progress: 0, error: null })
    .where("id", "=", id)
    .execute();
}

export async function getBacktestRun(db: Kysely<Database>, id: string): Promise<BacktestRunRow | undefined> {
  const row = await db
    .selectFrom("backtest_runs")
    .select(RUN_COLUMNS)
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toRun(row as RunSelection);
}

/** The runs of a sweep, by id. */
export async function listBacktestChildren(
  db: Kysely<Database>,
  parentId: string,
): Promise<BacktestRunRow[]> {
  const rows = await db
    .selectFrom("backtest_runs")
    .select(RUN_COLUMNS)
    .where("parent_id", "=", parentId)
    .orderBy("id")
    .execute();
  return rows.map((row) => toRun(row as RunSelection));
}

/**
 * A job starts (or restarts after a crash) a run: `running`, unless cancellation was requested or
 * the run is already finished. Returns the status after the call.
 */
export async function startBacktestRun(
  db: Kysely<Database>,
  id: string,
): Promise<BacktestRunStatus | undefined> {
  const row = await db
    .updateTable("backtest_runs")
    .set({ status: "running", started_at: new Date(), error: null })
    .where("id", "=", id)
    .where("status", "in", ["queued", "running", "failed"])
    .returning("status")
    .executeTakeFirst();
  if (row !== undefined) return row.status;
  return (await getBacktestRun(db, id))?.status;
}

/**
 * Stores progress (0..1) and returns the run's status in the same round trip: the job's
 * cancellation check between chunks of work.
 */
export async function reportBacktestProgress(
  db: Kysely<Database>,
  id: string,
  progress: number,
): Promise<BacktestRunStatus | undefined> {
  const row = await db
    .updateTable("backtest_runs")
    .set({ progress })
    .where("id", "=", id)
    .returning("status")
    .executeTakeFirst();
  return row?.status;
}

/**
 * Asks a run and every run below it (a sweep's runs; a walk-forward's training sweeps and their
 * runs) to stop: queued or running runs become `cancelling`. Returns the ids that were asked.
 */
export async function requestBacktestCancel(db: Kysely<Database>, id: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with recursive tree as (
      select id from backtest_runs where id = ${id}
      union all
      select r.id from backtest_runs r join tree t on r.parent_id = t.id
    )
    update backtest_runs set status = 'cancelling'
    where id in (select id from tree) and status in ('queued', 'running')
    returning id
  `.execute(db);
  return result.rows.map((row) => row.id);
}

/** A `cancelling` run whose job was removed before it started: `cancelled` now (no worker will say so). */
export async function markBacktestCancelled(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("backtest_runs")
    .set({ status: "cancelled", finished_at: sql`now()` })
    .where("id", "=", id)
    .where("status", "=", "cancelling")
    .execute();
}

/** Ends a run without a result: `cancelled` or `failed` (with the reason). */
export async function finishBacktestRunWithout(
  db: Kysely<Database>,
  id: string,
  status: "cancelled" | "failed",
  error: string | null = null,
): Promise<void> {
  await db
    .updateTable("backtest_runs")
    .set({ status, error, finished_at: new Date() })
    .where("id", "=", id)
    .where("status", "!=", "completed")
    .execute();
}

export interface BacktestRunOutput {
  readonly metrics: unknown;
  readonly summary: unknown;
  readonly trades: readonly BacktestTradeRow[];
  readonly equity: BacktestEquityColumns | null;
}

/**
 * Stores a run's result in one transaction: trades and equity replace any earlier partial write
 * (a retried job), then the run becomes `completed`. Rows travel as arrays (`unnest`): a handful of
 * bind parameters whatever the number of trades or sessions.
 */
export async function saveBacktestResult(
  db: Kysely<Database>,
  id: string,
  output: BacktestRunOutput,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("backtest_trades").where("run_id", "=", id).execute();
    await trx.deleteFrom("backtest_equity").where("run_id", "=", id).execute();
    const trades = output.trades;
    if (trades.length > 0) {
      const column = <T>(pick: (t: BacktestTradeRow) => T): T[] => trades.map(pick);
      await sql`
        insert into backtest_trades (run_id, seq, symbol, signal_type, signal_time, signal_score, entry_time,
          entry_price, quantity, exit_time, exit_price, exit_reason, holding_days, gross_pnl, fees, tax, net_pnl, net_return)
        select ${id}::text, t.* from unnest(
          ${trades.map((_, i) => i + 1)}::int4[], ${column((t) => t.symbol)}::text[], ${column((t) => t.signalType)}::text[],
          ${column((t) => t.signalTime)}::text[], ${column((t) => t.signalScore)}::int2[], ${column((t) => t.entryTime)}::text[],
          ${column((t) => t.entryPrice)}::float8[], ${column((t) => t.quantity)}::int8[], ${column((t) => t.exitTime)}::text[],
          ${column((t) => t.exitPrice)}::float8[], ${column((t) => t.exitReason)}::text[], ${column((t) => t.holdingDays)}::int4[],
          ${column((t) => t.grossPnl)}::float8[], ${column((t) => t.fees)}::float8[], ${column((t) => t.tax)}::float8[],
          ${column((t) => t.netPnl)}::float8[], ${column((t) => t.netReturn)}::float8[]
        ) as t
      `.execute(trx);
    }
    const equity = output.equity;
    if (equity !== null && equity.time.length > 0) {
      await sql`
        insert into backtest_equity (run_id, time, equity, cash, invested, positions, benchmark, index_value)
        select ${id}::text, t.* from unnest(
          ${[...equity.time]}::text[], ${[...equity.equity]}::float8[], ${[...equity.cash]}::float8[],
          ${[...equity.invested]}::float8[], ${[...equity.positions]}::int4[], ${[...equity.benchmark]}::float8[],
          ${equity.index === null ? equity.time.map(() => null) : [...equity.index]}::float8[]
        ) as t
      `.execute(trx);
    }
    await trx
      .updateTable("backtest_runs")
      .set({
        status: "completed",
        progress: 1,
        metrics: JSON.stringify(output.metrics),
        summary: JSON.stringify(output.summary),
        error: null,
        finished_at: new Date(),
      })
      .where("id", "=", id)
      .execute();
  });
}

/** A run's trades in the order they closed. */
export async function loadBacktestTrades(db: Kysely<Database>, id: string): Promise<BacktestTradeRow[]> {
  const result = await sql<BacktestTradeRow>`
    select symbol, signal_type as "signalType", signal_time::text as "signalTime", signal_score as "signalScore",
      entry_time::text as "entryTime", entry_price as "entryPrice", quantity, exit_time::text as "exitTime",
      exit_price as "exitPrice", exit_reason as "exitReason", holding_days as "holdingDays", gross_pnl as "grossPnl",
      fees, tax, net_pnl as "netPnl", net_return as "netReturn"
    from backtest_trades where run_id = ${id} order by seq
  `.execute(db);
  return result.rows;
}

/** A run's equity curve in columns (null when none is stored). */
export async function loadBacktestEquity(
  db: Kysely<Database>,
  id: string,
): Promise<BacktestEquityColumns | null> {
  const result = await sql<{
    time: string;
    equity: number;
    cash: number;
    invested: number;
    positions: number;
    benchmark: number;
    index_value: number | null;
  }>`
    select time::text as time, equity, cash, invested, positions, benchmark, index_value
    from backtest_equity where run_id = ${id} order by time
  `.execute(db);
  const rows = result.rows;
  if (rows.length === 0) return null;
  const hasIndex = rows.some((r) => r.index_value !== null);
  return {
    time: rows.map((r) => r.time),
    equity: rows.map((r) => r.equity),
    cash: rows.map((r) => r.cash),
    invested: rows.map((r) => r.invested),
    positions: rows.map((r) => r.positions),
    benchmark: rows.map((r) => r.benchmark),
    index: hasIndex ? rows.map((r) => r.index_value) : null,
  };
}

/** One symbol's bars in columns, prices in thousand VND, oldest first. */
export interface SymbolBarColumns {
  readonly symbol: string;
  readonly exchange: market.Exchange | null;
  readonly time: string[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  readonly volume: number[];
}

export interface BacktestBarsQuery {
  /** The symbols, or null for every active stock (indices excluded). */
  readonly symbols: readonly string[] | null;
  readonly timeframe: Timeframe;
  /** First and last bar date to load, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  readonly to: string;
}

/**
 * Active stocks with bars of `timeframe` (or the given symbols among them), ordered by symbol.
 * Indices (`is_index`) are never part of a backtest's universe, even when named.
 */
export async function listBacktestSymbols(
  db: Kysely<Database>,
  symbols: readonly string[] | null,
  timeframe: Timeframe,
): Promise<{ symbol: string; exchange: market.Exchange | null }[]> {
  const filter = symbols === null ? sql`true` : sql`s.symbol = any(${[...symbols]}::text[])`;
  const result = await sql<{ symbol: string; exchange: market.Exchange | null }>`
    select s.symbol, s.exchange from stocks s
    where s.is_active and not s.is_index and ${filter}
      and exists (select 1 from market_data m where m.stock_id = s.id and m.timeframe = ${timeframe})
    order by s.symbol
  `.execute(db);
  return result.rows;
}

/**
 * Bars of a set of symbols as columns, one row per symbol (arrays aggregated in PostgreSQL): the
 * fast way to feed a backtest. Daily bar dates come back as `YYYY-MM-DD` in Asia/Ho_Chi_Minh.
 * Symbols without bars in the range are absent.
 */
export async function loadBacktestBars(
  db: Kysely<Database>,
  query: BacktestBarsQuery,
): Promise<SymbolBarColumns[]> {
  const filter =
    query.symbols === null
      ? sql`s.is_active and not s.is_index`
      : sql`s.symbol = any(${[...query.symbols]}::text[])`;
  // Daily bars as dates; intraday bars as instants (bar-time notation), every bar of `to`'s date.
  const daily = isDailyOrLonger(query.timeframe);
  const format = daily ? "YYYY-MM-DD" : 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"';
  const until = daily
    ? sql`m.time <= ${barTimeToDate(query.to)}`
    : sql`m.time < ${new Date(barTimeToDate(query.to).getTime() + 86_400_000)}`;
  const result = await sql<SymbolBarColumns>`
    select s.symbol, s.exchange,
      array_agg(to_char(m.time at time zone 'Asia/Ho_Chi_Minh', ${format}) order by m.time) as time,
      array_agg(m.open order by m.time) as open, array_agg(m.high order by m.time) as high,
      array_agg(m.low order by m.time) as low, array_agg(m.close order by m.time) as close,
      array_agg(m.volume::float8 order by m.time) as volume
    from stocks s join market_data m on m.stock_id = s.id
    where ${filter} and m.timeframe = ${query.timeframe}
      and m.time >= ${barTimeToDate(query.from)} and ${until}
    group by s.symbol, s.exchange
    order by s.symbol
  `.execute(db);
  return result.rows;
}
