import { type AlertPriority, type Bias, type ConfirmationOutcome, marginDepositVnd } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate } from "../bar-time.ts";
import type { Database } from "../schema.ts";
import type { ConfirmationInput, SignalInput } from "./signal-repository.ts";

/**
 * Paper portfolios (migration 0011): a named portfolio on the backtest's rules, its engine state
 * after its last close, its positions (open and closed) and its daily performance. The state is
 * vpa-core's `PortfolioState`, stored as JSON and never interpreted here.
 */

export interface StoredPortfolio {
  readonly id: number;
  readonly name: string;
  readonly config: unknown;
  /** `YYYY-MM-DD`. */
  readonly startedOn: string;
  readonly state: unknown;
  /** The last close stepped, null before the first. */
  readonly lastSession: string | null;
  readonly createdAt: Date;
}

/** A position as stored: prices and money VND; the exit fields are null while open. */
export interface StoredPortfolioPosition {
  readonly symbol: string;
  readonly status: "open" | "closed";
  readonly signalType: string;
  readonly signalTime: string;
  readonly signalScore: number;
  readonly entryTime: string;
  readonly entryPrice: number;
  readonly quantity: number;
  /** Open: the last close (VND); closed: null. */
  readonly lastPrice: number | null;
  readonly exitTime: string | null;
  readonly exitPrice: number | null;
  readonly exitReason: string | null;
  readonly holdingDays: number | null;
  readonly grossPnl: number | null;
  readonly fees: number;
  /** Closed: the tax of both sides; open: the entry's (a future's income tax), null when none. */
  readonly tax: number | null;
  readonly netPnl: number | null;
  readonly netReturn: number | null;
}

export interface PortfolioPerformanceRow {
  readonly date: string;
  readonly cash: number;
  readonly invested: number;
  readonly value: number;
  readonly positions: number;
  /** value / previous value − 1 (the first session: against the initial capital). */
  readonly dailyReturn: number | null;
  /** The benchmark index's close that day (points), null when not stored. */
  readonly indexClose: number | null;
}

const portfolioColumns = sql`id, name, config, started_on::text as "startedOn", state,
  last_session::text as "lastSession", created_at as "createdAt"`;

/**
 * Creates a portfolio; null when the name is taken.
 *
 * @example
 * await createPortfolio(db, { name: "vn30-sc", config, startedOn: "2026-12-01", state });
 */
export async function createPortfolio(
  db: Kysely<Database>,
  input: {
    readonly name: string;
    readonly config: unknown;
    readonly startedOn: string;
    readonly state: unknown;
  },
): Promise<StoredPortfolio | null> {
  const result = await sql<StoredPortfolio>`
    insert into portfolios (name, config, started_on, state)
    values (${input.name}, ${JSON.stringify(input.config)}::jsonb, ${input.startedOn}::date,
      ${JSON.stringify(input.state)}::jsonb)
    on conflict (name) do nothing
    returning ${portfolioColumns}
  `.execute(db);
  return result.rows[0] ?? null;
}

export async function getPortfolio(db: Kysely<Database>, name: string): Promise<StoredPortfolio | null> {
  const result = await sql<StoredPortfolio>`
    select ${portfolioColumns} from portfolios where name = ${name}
  `.execute(db);
  return result.rows[0] ?? null;
}

export async function listPortfolios(db: Kysely<Database>): Promise<StoredPortfolio[]> {
  const result = await sql<StoredPortfolio>`select ${portfolioColumns} from portfolios order by name`.execute(
    db,
  );
  return result.rows;
}

export interface PortfolioAdvance {
  readonly portfolioId: number;
  /** The `last_session` the advance started from: the save is skipped when another got there first. */
  readonly fromSession: string | null;
  readonly lastSession: string;
  readonly state: unknown;
  /** Every position still open after the advance (replaces the stored open rows). */
  readonly open: readonly StoredPortfolioPosition[];
  /** Positions closed by the advance (appended). */
  readonly closed: readonly StoredPortfolioPosition[];
  readonly performance: readonly PortfolioPerformanceRow[];
}

/**
 * Stores an advance in one transaction, only if the portfolio is still at `fromSession`
 * (optimistic: two updates of the same close cannot both write). Returns whether it was stored.
 */
export async function savePortfolioAdvance(
  db: Kysely<Database>,
  advance: PortfolioAdvance,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await sql`
      update portfolios set state = ${JSON.stringify(advance.state)}::jsonb, last_session = ${advance.lastSession}::date
      where id = ${advance.portfolioId} and last_session is not distinct from ${advance.fromSession}::date
    `.execute(trx);
    if (Number(updated.numAffectedRows ?? 0) === 0) return false;
    await trx
      .deleteFrom("portfolio_positions")
      .where("portfolio_id", "=", advance.portfolioId)
      .where("status", "=", "open")
      .execute();
    const rows = [...advance.closed, ...advance.open].map((p) => ({
      portfolio_id: advance.portfolioId,
      symbol: p.symbol,
      status: p.status,
      signal_type: p.signalType,
      signal_time: p.signalTime,
      signal_score: p.signalScore,
      entry_time: p.entryTime,
      entry_price: p.entryPrice,
      quantity: p.quantity,
      last_price: p.lastPrice,
      exit_time: p.exitTime,
      exit_price: p.exitPrice,
      exit_reason: p.exitReason,
      holding_days: p.holdingDays,
      gross_pnl: p.grossPnl,
      fees: p.fees,
      tax: p.tax,
      net_pnl: p.netPnl,
      net_return: p.netReturn,
    }));
    for (let i = 0; i < rows.length; i += 1000) {
      await trx
        .insertInto("portfolio_positions")
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) => oc.columns(["portfolio_id", "symbol", "entry_time"]).doNothing())
        .execute();
    }
    const performance = advance.performance.map((r) => ({
      portfolio_id: advance.portfolioId,
      date: r.date,
      cash: r.cash,
      invested: r.invested,
      value: r.value,
      positions: r.positions,
      daily_return: r.dailyReturn,
      index_close: r.indexClose,
    }));
    for (let i = 0; i < performance.length; i += 1000) {
      await trx
        .insertInto("portfolio_performance")
        .values(performance.slice(i, i + 1000))
        .onConflict((oc) => oc.columns(["portfolio_id", "date"]).doNothing())
        .execute();
    }
    return true;
  });
}

/** Positions of a portfolio: open first (newest entry first), then closed (newest exit first). */
export async function listPortfolioPositions(
  db: Kysely<Database>,
  portfolioId: number,
): Promise<StoredPortfolioPosition[]> {
  const result = await sql<StoredPortfolioPosition>`
    select symbol, status, signal_type as "signalType", signal_time::text as "signalTime",
      signal_score as "signalScore", entry_time::text as "entryTime", entry_price as "entryPrice",
      quantity, last_price as "lastPrice", exit_time::text as "exitTime", exit_price as "exitPrice",
      exit_reason as "exitReason", holding_days as "holdingDays", gross_pnl as "grossPnl", fees, tax,
      net_pnl as "netPnl", net_return as "netReturn"
    from portfolio_positions where portfolio_id = ${portfolioId}
    order by status desc, coalesce(exit_time, entry_time) desc, symbol
  `.execute(db);
  return result.rows;
}

/** The daily performance, oldest first. */
export async function loadPortfolioPerformance(
  db: Kysely<Database>,
  portfolioId: number,
): Promise<PortfolioPerformanceRow[]> {
  const result = await sql<PortfolioPerformanceRow>`
    select date::text as date, cash, invested, value, positions, daily_return as "dailyReturn",
      index_close as "indexClose"
    from portfolio_performance where portfolio_id = ${portfolioId} order by date
  `.execute(db);
  return result.rows;
}

/**
 * An open position as `vpa portfolio show` and the bot's /portfolio show it (money VND), read as
 * its trade will be once closed (vpa-core's `netReturn`): the return is on the money put in.
 */
export interface OpenPortfolioPosition extends StoredPortfolioPosition {
  /** quantity × last close (the entry price before the first close): on margin, the contracts' value. */
  readonly marketValue: number;
  /** A VN30 future bought on margin (the strategy's `futuresMargin`): its deposit; else null (paid in full). */
  readonly deposit: number | null;
  /** marketValue − (entry value + entry costs: fees and tax). */
  readonly unrealizedPnl: number;
  /** unrealizedPnl ÷ (the money put in, the deposit on margin or else the entry value, + entry costs). */
  readonly unrealizedReturn: number;
}

/** One portfolio as of its last close: what `vpa portfolio show` prints and /portfolio says. */
export interface PortfolioSummary {
  readonly portfolio: string;
  readonly startedOn: string;
  readonly lastSession: string | null;
  readonly initialCapital: number;
  readonly value: number;
  readonly cash: number;
  /** value / initial capital − 1; null without a capital. */
  readonly totalReturn: number | null;
  /** The last close's return (null before the first close). */
  readonly dayReturn: number | null;
  /** The benchmark index's return over the same close (null without both closes stored). */
  readonly indexDayReturn: number | null;
  readonly benchmark: string;
  readonly positions: OpenPortfolioPosition[];
  readonly closedTrades: number;
  readonly realizedPnl: number;
}

/** The index's return from the row before to `row` (null without both closes). */
export function indexDayReturn(
  previous: PortfolioPerformanceRow | undefined,
  row: PortfolioPerformanceRow,
): number | null {
  if (previous?.indexClose == null || row.indexClose === null || previous.indexClose === 0) return null;
  return row.indexClose / previous.indexClose - 1;
}

/** The initial capital of a stored portfolio's strategy (0 when the config lacks it). */
export function portfolioCapital(portfolio: StoredPortfolio): number {
  const strategy = (portfolio.config as { strategy?: { initialCapital?: number } }).strategy;
  return strategy?.initialCapital ?? 0;
}

/** The deposit rate of a stored portfolio's VN30 futures (null: bought paid in full). */
export function portfolioFuturesMargin(portfolio: StoredPortfolio): number | null {
  const strategy = (portfolio.config as { strategy?: { futuresMargin?: number | null } }).strategy;
  return strategy?.futuresMargin ?? null;
}

/**
 * An open position's reading at its last close under a portfolio's `futuresMargin`.
 *
 * @example
 * // 3 contracts bought at 1,250 points on a 25 % deposit, last 1,262.5 (costs aside): +4 %, not +1 %.
 * readOpenPosition({ ...p, entryPrice: 1_250_000, quantity: 300, lastPrice: 1_262_500 }, 0.25).unrealizedReturn;
 */
export function readOpenPosition(
  p: StoredPortfolioPosition,
  futuresMargin: number | null,
): OpenPortfolioPosition {
  const marketValue = (p.lastPrice ?? p.entryPrice) * p.quantity;
  const entryValue = p.entryPrice * p.quantity;
  const entryCosts = p.fees + (p.tax ?? 0);
  const deposit = marginDepositVnd(p.symbol, p.entryPrice, p.quantity, { futuresMargin }) ?? null;
  const unrealizedPnl = marketValue - entryValue - entryCosts;
  return {
    ...p,
    marketValue,
    deposit,
    unrealizedPnl,
    unrealizedReturn: unrealizedPnl / ((deposit ?? entryValue) + entryCosts),
  };
}

/** The index a stored portfolio is compared with (`VN30` by default). */
export function portfolioBenchmark(portfolio: StoredPortfolio): string {
  return (portfolio.config as { benchmark?: string }).benchmark ?? "VN30";
}

/**
 * A portfolio's value, last close, open positions and realised result, read from its positions and
 * its last two performance rows: the one reading `vpa portfolio show` and the bot share.
 *
 * @example
 * const summary = await summarizePortfolio(db, (await getPortfolio(db, "vn30"))!);
 * summary.dayReturn; // 0.0083 (+0.83 % on the last close)
 */
export async function summarizePortfolio(
  db: Kysely<Database>,
  portfolio: StoredPortfolio,
): Promise<PortfolioSummary> {
  const [positions, lastTwo] = await Promise.all([
    listPortfolioPositions(db, portfolio.id),
    sql<PortfolioPerformanceRow>`
      select date::text as date, cash, invested, value, positions, daily_return as "dailyReturn",
        index_close as "indexClose"
      from portfolio_performance where portfolio_id = ${portfolio.id} order by date desc limit 2
    `.execute(db),
  ]);
  const [last, previous] = lastTwo.rows;
  const capital = portfolioCapital(portfolio);
  const futuresMargin = portfolioFuturesMargin(portfolio);
  const open = positions.filter((p) => p.status === "open").map((p) => readOpenPosition(p, futuresMargin));
  const closed = positions.filter((p) => p.status === "closed");
  return {
    portfolio: portfolio.name,
    startedOn: portfolio.startedOn,
    lastSession: portfolio.lastSession,
    initialCapital: capital,
    value: last?.value ?? capital,
    cash: last?.cash ?? capital,
    totalReturn: capital > 0 ? (last?.value ?? capital) / capital - 1 : null,
    dayReturn: last?.dailyReturn ?? null,
    indexDayReturn: last === undefined ? null : indexDayReturn(previous, last),
    benchmark: portfolioBenchmark(portfolio),
    positions: open,
    closedTrades: closed.length,
    realizedPnl: closed.reduce((sum, p) => sum + (p.netPnl ?? 0), 0),
  };
}

/** A paper portfolio's last close, as a digest's portfolio line says it. */
export interface PortfolioDay {
  readonly name: string;
  readonly benchmark: string;
  /** The last close stepped (`YYYY-MM-DD`). */
  readonly date: string;
  readonly dayReturn: number | null;
  /** The benchmark index's return over the same close (null without both closes stored). */
  readonly indexDayReturn: number | null;
}

/**
 * The last close of the first `limit` paper portfolios (by name) that have stepped one: one
 * statement, the last two performance rows of each.
 *
 * @example
 * await listPortfolioDays(db, 3); // [{ name: "vn30", benchmark: "VN30", date: "2026-11-27", dayReturn: 0.008, indexDayReturn: 0.003 }]
 */
export async function listPortfolioDays(db: Kysely<Database>, limit: number): Promise<PortfolioDay[]> {
  const result = await sql<{
    name: string;
    benchmark: string | null;
    date: string;
    dayReturn: number | null;
    indexClose: number | null;
    previousIndexClose: number | null;
  }>`
    select p.name, p.config->>'benchmark' as benchmark, last.date::text as date,
      last.daily_return as "dayReturn", last.index_close as "indexClose",
      previous.index_close as "previousIndexClose"
    from portfolios p
    cross join lateral (
      select date, daily_return, index_close from portfolio_performance
      where portfolio_id = p.id order by date desc limit 1
    ) last
    left join lateral (
      select index_close from portfolio_performance
      where portfolio_id = p.id and date < last.date order by date desc limit 1
    ) previous on true
    order by p.name
    limit ${Math.max(0, Math.floor(limit))}
  `.execute(db);
  return result.rows.map((row) => ({
    name: row.name,
    benchmark: row.benchmark ?? "VN30",
    date: row.date,
    dayReturn: row.dayReturn,
    indexDayReturn:
      row.indexClose === null || row.previousIndexClose === null || row.previousIndexClose === 0
        ? null
        : row.indexClose / row.previousIndexClose - 1,
  }));
}

/** A stored signal or confirmation of one symbol, in the shape of vpa-core's records. */
export type StoredSignalRecord =
  | ({ readonly kind: "signal"; readonly symbol: string } & SignalInput)
  | ({ readonly kind: "confirmation"; readonly symbol: string; readonly bias: Bias } & ConfirmationInput);

/**
 * The stored daily signals and confirmations of a set of symbols dated in [from, to] (`YYYY-MM-DD`,
 * inclusive), per symbol in time order (a bar's signals in the order the scan stored them): what a
 * paper portfolio trades on instead of analysing the bars again. `symbols` null: every active stock.
 *
 * @example
 * const bySymbol = await loadStoredSignalRecords(db, { symbols: ["VCB"], from: "2026-11-01", to: "2026-11-27" });
 * bySymbol.get("VCB"); // [{ kind: "signal", time: "2026-11-03", type: "SPRING", ... }, { kind: "confirmation", ... }]
 */
export async function loadStoredSignalRecords(
  db: Kysely<Database>,
  query: { readonly symbols: readonly string[] | null; readonly from: string; readonly to: string },
): Promise<Map<string, StoredSignalRecord[]>> {
  const filter =
    query.symbols === null
      ? sql`st.is_active and not st.is_index`
      : sql`st.symbol = any(${[...query.symbols]}::text[])`;
  const day = (column: string) => sql.raw(`to_char(${column} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`);
  // Both kinds in one pass, ordered as the analyzer emits them: by bar, a bar's signals before the
  // confirmations dated at it (the two never refer to each other), then by id (the stored order).
  const result = await sql<{
    kind: "signal" | "confirmation";
    symbol: string;
    time: string;
    refTime: string;
    type: string;
    bias: Bias;
    score: number;
    confidence: string | number;
    priority: AlertPriority;
    variant: string | null;
    vr: number;
    sr: number;
    cl: number;
    trend: string;
    close: number;
    volume: string | number;
    priceChange: number;
    outcome: ConfirmationOutcome | null;
  }>`
    select * from (
      select 'signal' as kind, st.symbol, ${day("s.time")} as time, ${day("s.time")} as "refTime", s.type,
        s.bias, s.score, s.confidence, s.priority, s.variant, s.volume_ratio as vr, s.spread_ratio as sr,
        s.close_location as cl, s.trend, s.close, s.volume, s.price_change as "priceChange",
        null as outcome, s.time as sort_time, 0 as sort_kind, s.id as sort_id
      from vpa_signals s join stocks st on st.id = s.stock_id
      where ${filter} and s.timeframe = '1D'
        and s.time >= ${barTimeToDate(query.from)} and s.time <= ${barTimeToDate(query.to)}
      union all
      select 'confirmation', st.symbol, ${day("c.time")}, ${day("s.time")}, s.type, s.bias, s.score,
        c.confidence, s.priority, s.variant, s.volume_ratio, s.spread_ratio, s.close_location, s.trend,
        s.close, s.volume, s.price_change, c.outcome, c.time, 1, s.id
      from vpa_signal_confirmations c join vpa_signals s on s.id = c.signal_id
        join stocks st on st.id = s.stock_id
      where ${filter} and s.timeframe = '1D'
        and c.time >= ${barTimeToDate(query.from)} and c.time <= ${barTimeToDate(query.to)}
    ) records
    order by symbol, sort_time, sort_kind, sort_id
  `.execute(db);
  const bySymbol = new Map<string, StoredSignalRecord[]>();
  for (const row of result.rows) {
    const record: StoredSignalRecord =
      row.kind === "signal"
        ? {
            kind: "signal",
            symbol: row.symbol,
            time: row.time,
            type: row.type,
            bias: row.bias,
            score: Number(row.score),
            confidence: Number(row.confidence),
            priority: row.priority,
            variant: row.variant,
            features: { vr: row.vr, sr: row.sr, cl: row.cl, trend: row.trend },
            close: row.close,
            volume: Number(row.volume),
            priceChange: row.priceChange,
          }
        : {
            kind: "confirmation",
            symbol: row.symbol,
            time: row.time,
            refTime: row.refTime,
            type: row.type,
            bias: row.bias,
            outcome: row.outcome ?? "failed",
            confidence: Number(row.confidence),
          };
    const list = bySymbol.get(row.symbol);
    if (list === undefined) bySymbol.set(row.symbol, [record]);
    else list.push(record);
  }
  return bySymbol;
}
