import type { AlertPriority, Bias, ConfirmationOutcome } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, dateToBarTime, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/** A scored signal as vpa-core emits it (its SignalRecord, structurally). */
export interface SignalInput {
  readonly time: string;
  readonly type: string;
  readonly bias: Bias;
  readonly score: number;
  readonly confidence: number;
  readonly priority: AlertPriority;
  readonly variant: string | null;
  readonly features: {
    readonly vr: number;
    readonly sr: number;
    readonly cl: number;
    readonly trend: string;
  };
  readonly close: number;
  readonly volume: number;
  readonly priceChange: number;
}

/** A confirmation as vpa-core emits it (its ConfirmationRecord, structurally). */
export interface ConfirmationInput {
  readonly time: string;
  readonly refTime: string;
  readonly type: string;
  readonly outcome: ConfirmationOutcome;
  readonly confidence: number;
}

export interface StoredSignal {
  readonly id: number;
  readonly time: string;
  readonly type: string;
  /** True when this call stored it; false when it was already there. */
  readonly inserted: boolean;
}

/**
 * Stores signals of one stock; a signal already stored (same stock, timeframe, time, type) is left
 * as it was. Returns every given signal with its id and whether this call inserted it, so a retried
 * job can still find signals whose follow-up work (alerts) never happened. One stock's case of
 * {@link insertSignalsOfStocks}.
 */
export async function insertSignals(
  db: Kysely<Database>,
  stockId: number,
  timeframe: Timeframe,
  signals: readonly SignalInput[],
): Promise<StoredSignal[]> {
  return insertSignalsOfStocks(
    db,
    timeframe,
    signals.map((signal) => ({ stockId, signal })),
  );
}

/** A signal of one stock, for {@link insertSignalsOfStocks}. */
export interface StockSignalInput {
  readonly stockId: number;
  readonly signal: SignalInput;
}

/** A {@link StoredSignal} with its stock. */
export interface StoredStockSignal extends StoredSignal {
  readonly stockId: number;
}

/**
 * {@link insertSignals} for the signals of many stocks in one statement (an analyze job stores its
 * chunk's signals at once). Invariant: a (stock, time, type) appears once in `signals`.
 */
export async function insertSignalsOfStocks(
  db: Kysely<Database>,
  timeframe: Timeframe,
  signals: readonly StockSignalInput[],
): Promise<StoredStockSignal[]> {
  if (signals.length === 0) return [];
  const column = <T>(pick: (s: SignalInput) => T): T[] => signals.map((s) => pick(s.signal));
  // One statement: the CTE's insert is invisible to the outer select of vpa_signals (same snapshot),
  // so the second branch returns exactly the rows that existed before.
  const result = await sql<{ id: number; stock_id: number; time: Date; type: string; inserted: boolean }>`
    with input as (
      select * from unnest(
        ${signals.map((s) => s.stockId)}::int4[],
        ${column((s) => barTimeToDate(s.time))}::timestamptz[], ${column((s) => s.type)}::text[],
        ${column((s) => s.bias)}::text[], ${column((s) => s.score)}::int2[],
        ${column((s) => s.confidence)}::numeric[], ${column((s) => s.priority)}::text[],
        ${column((s) => s.variant)}::text[], ${column((s) => s.features.vr)}::float8[],
        ${column((s) => s.features.sr)}::float8[], ${column((s) => s.features.cl)}::float8[],
        ${column((s) => s.features.trend)}::text[], ${column((s) => s.close)}::float8[],
        ${column((s) => Math.round(s.volume))}::int8[], ${column((s) => s.priceChange)}::float8[],
        ${column((s) => JSON.stringify(s.features))}::jsonb[]
      ) as t(stock_id, time, type, bias, score, confidence, priority, variant, volume_ratio, spread_ratio,
             close_location, trend, close, volume, price_change, conditions)
    ),
    inserted as (
      insert into vpa_signals (stock_id, timeframe, time, type, bias, score, confidence, priority, variant,
        volume_ratio, spread_ratio, close_location, trend, close, volume, price_change, conditions)
      select input.stock_id, ${timeframe}::text, input.time, input.type, input.bias, input.score,
        input.confidence, input.priority, input.variant, input.volume_ratio, input.spread_ratio,
        input.close_location, input.trend, input.close, input.volume, input.price_change, input.conditions
      from input
      on conflict (stock_id, timeframe, time, type) do nothing
      returning id, stock_id, time, type
    )
    select id, stock_id, time, type, true as inserted from inserted
    union all
    select s.id, s.stock_id, s.time, s.type, false from vpa_signals s
    join input on s.stock_id = input.stock_id and s.timeframe = ${timeframe} and s.time = input.time
      and s.type = input.type
    order by stock_id, time, type
  `.execute(db);
  return result.rows.map((row) => ({
    id: row.id,
    stockId: row.stock_id,
    time: dateToBarTime(row.time, timeframe),
    type: row.type,
    inserted: row.inserted,
  }));
}

/** Stores confirmations against the signals they reference; unknown references are ignored. */
export async function insertConfirmations(
  db: Kysely<Database>,
  stockId: number,
  timeframe: Timeframe,
  confirmations: readonly ConfirmationInput[],
): Promise<number> {
  return insertConfirmationsOfStocks(
    db,
    timeframe,
    confirmations.map((confirmation) => ({ stockId, confirmation })),
  );
}

/** A confirmation of one stock, for {@link insertConfirmationsOfStocks}. */
export interface StockConfirmationInput {
  readonly stockId: number;
  readonly confirmation: ConfirmationInput;
}

/** {@link insertConfirmations} for many stocks in one statement. */
export async function insertConfirmationsOfStocks(
  db: Kysely<Database>,
  timeframe: Timeframe,
  confirmations: readonly StockConfirmationInput[],
): Promise<number> {
  if (confirmations.length === 0) return 0;
  const column = <T>(pick: (c: ConfirmationInput) => T): T[] =>
    confirmations.map((c) => pick(c.confirmation));
  const result = await sql`
    insert into vpa_signal_confirmations (signal_id, time, outcome, confidence)
    select s.id, c.time, c.outcome, c.confidence
    from unnest(
      ${confirmations.map((c) => c.stockId)}::int4[],
      ${column((c) => barTimeToDate(c.time))}::timestamptz[],
      ${column((c) => barTimeToDate(c.refTime))}::timestamptz[],
      ${column((c) => c.type)}::text[], ${column((c) => c.outcome)}::text[],
      ${column((c) => c.confidence)}::numeric[]
    ) as c(stock_id, time, ref_time, type, outcome, confidence)
    join vpa_signals s on s.stock_id = c.stock_id and s.timeframe = ${timeframe}
      and s.time = c.ref_time and s.type = c.type
    on conflict (signal_id) do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface SignalQuery {
  readonly id?: number;
  readonly symbol?: string;
  /** Default: every timeframe. */
  readonly timeframe?: Timeframe;
  /** Only signals at or after this bar time. */
  readonly since?: string;
  readonly minScore?: number;
  /** Default 100. */
  readonly limit?: number;
}

export interface SignalView {
  readonly id: number;
  readonly symbol: string;
  readonly name: string | null;
  readonly exchange: string | null;
  readonly timeframe: Timeframe;
  readonly time: string;
  readonly type: string;
  readonly bias: Bias;
  readonly score: number;
  readonly confidence: number;
  readonly priority: AlertPriority;
  readonly variant: string | null;
  readonly volumeRatio: number;
  readonly spreadRatio: number;
  readonly closeLocation: number;
  readonly trend: string;
  readonly close: number;
  readonly volume: number;
  readonly priceChange: number;
  readonly confirmation: {
    readonly time: string;
    readonly outcome: string;
    readonly confidence: number;
  } | null;
  /** When the signal was stored (not the bar time). */
  readonly createdAt: Date;
}

/**
 * The signal views' query: each signal with its stock and its confirmation if one arrived, before
 * filters, order and limit. Shared by {@link listSignals} and the API's pages
 * (signal-page-repository.ts) so the two cannot drift apart.
 */
export function selectSignalViews(db: Kysely<Database>) {
  return db
    .selectFrom("vpa_signals as s")
    .innerJoin("stocks as st", "st.id", "s.stock_id")
    .leftJoin("vpa_signal_confirmations as c", "c.signal_id", "s.id")
    .select([
      "s.id",
      "st.symbol",
      "st.name",
      "st.exchange",
      "s.timeframe",
      "s.time",
      "s.type",
      "s.bias",
      "s.score",
      "s.confidence",
      "s.priority",
      "s.variant",
      "s.volume_ratio",
      "s.spread_ratio",
      "s.close_location",
      "s.trend",
      "s.close",
      "s.volume",
      "s.price_change",
      "s.created_at",
      "c.time as confirmation_time",
      "c.outcome as confirmation_outcome",
      "c.confidence as confirmation_confidence",
    ]);
}

type SignalViewRow = Awaited<ReturnType<ReturnType<typeof selectSignalViews>["execute"]>>[number];

/** One row of {@link selectSignalViews} as a {@link SignalView} (bar times in the timeframe's notation). */
export function toSignalView(row: SignalViewRow): SignalView {
  const timeframe = row.timeframe as Timeframe;
  return {
    id: row.id,
    symbol: row.symbol,
    name: row.name,
    exchange: row.exchange,
    timeframe,
    time: dateToBarTime(row.time, timeframe),
    type: row.type,
    bias: row.bias,
    score: row.score,
    confidence: Number(row.confidence),
    priority: row.priority,
    variant: row.variant,
    volumeRatio: row.volume_ratio,
    spreadRatio: row.spread_ratio,
    closeLocation: row.close_location,
    trend: row.trend,
    close: row.close,
    volume: Number(row.volume),
    priceChange: row.price_change,
    createdAt: row.created_at,
    confirmation:
      row.confirmation_time === null || row.confirmation_outcome === null
        ? null
        : {
            time: dateToBarTime(row.confirmation_time, timeframe),
            outcome: row.confirmation_outcome,
            confidence: Number(row.confirmation_confidence ?? 0),
          },
  };
}

/** Stored signals, newest first (then by score), with their confirmation if one arrived. */
export async function listSignals(db: Kysely<Database>, query: SignalQuery = {}): Promise<SignalView[]> {
  let select = selectSignalViews(db)
    .orderBy("s.time", "desc")
    .orderBy("s.score", "desc")
    .orderBy("st.symbol")
    .limit(query.limit ?? 100);
  if (query.id !== undefined) select = select.where("s.id", "=", query.id);
  if (query.timeframe !== undefined) select = select.where("s.timeframe", "=", query.timeframe);
  if (query.symbol !== undefined) select = select.where("st.symbol", "=", query.symbol);
  if (query.since !== undefined) select = select.where("s.time", ">=", barTimeToDate(query.since));
  if (query.minScore !== undefined) select = select.where("s.score", ">=", query.minScore);
  const rows = await select.execute();
  return rows.map(toSignalView);
}

/** One stored signal with its stock, for rendering an alert. */
export async function findSignal(db: Kysely<Database>, id: number): Promise<SignalView | undefined> {
  const [view] = await findSignals(db, [id]);
  return view;
}

/** {@link findSignal} for several ids in one query: each id's signal, in the ids' order (undefined if deleted). */
export async function findSignals(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<(SignalView | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await selectSignalViews(db)
    .where("s.id", "in", [...new Set(ids)])
    .execute();
  const byId = new Map(rows.map((row) => [Number(row.id), toSignalView(row)]));
  return ids.map((id) => byId.get(id));
}
