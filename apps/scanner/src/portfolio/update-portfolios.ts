import { setTimeout as sleep } from "node:timers/promises";
import {
  type AnalyzedSymbol,
  advancePortfolio,
  type BacktestConfig,
  type ClosedTrade,
  collectSignalEvents,
  createBacktestUniverse,
  emptyStepCounters,
  market,
  type PortfolioState,
  resolveBacktestConfig,
} from "@vpa/core";
import {
  type Database,
  listPortfolios,
  loadBacktestBars,
  loadIndexSeries,
  loadStoredSignalRecords,
  type PortfolioPerformanceRow,
  type StoredPortfolio,
  type StoredPortfolioPosition,
  savePortfolioAdvance,
} from "@vpa/db";
import type { Metrics, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";

/**
 * A paper portfolio's stored `config`: the backtest's strategy (resolved, every field), the
 * symbols it trades (`ALL`: every active stock) and the index it is compared with.
 */
export interface PaperPortfolioConfig {
  readonly strategy: BacktestConfig;
  readonly symbols: "ALL" | readonly string[];
  readonly benchmark: string;
}

/**
 * Calendar days of bars and stored signals read before the first close to step. The signals are
 * the scan's (nothing is analysed again), so no analyzer warm-up is needed; what is needed is the
 * signal a confirmation on the first stepped close refers to (`requireConfirmation`): it is on the
 * symbol's previous bar, within two weeks (the Tết break is the longest) unless the symbol was
 * suspended longer.
 */
export const PORTFOLIO_LOOKBACK_CALENDAR_DAYS = 14;

export function readPortfolioConfig(stored: unknown): PaperPortfolioConfig {
  const raw = (stored ?? {}) as Partial<{
    strategy: Partial<BacktestConfig>;
    symbols: unknown;
    benchmark: unknown;
  }>;
  return {
    strategy: resolveBacktestConfig(raw.strategy ?? {}),
    symbols: Array.isArray(raw.symbols) ? (raw.symbols as string[]) : "ALL",
    benchmark: typeof raw.benchmark === "string" ? raw.benchmark : "VN30",
  };
}

export interface PortfolioUpdateSummary {
  readonly name: string;
  /** Closes stepped by this update (0: already up to date). */
  readonly sessions: number;
  readonly tradesClosed: number;
  readonly lastSession: string | null;
  readonly value: number;
  readonly positions: number;
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

function closedRow(trade: ClosedTrade): StoredPortfolioPosition {
  return {
    symbol: trade.symbol,
    status: "closed",
    signalType: trade.signalType,
    signalTime: trade.signalTime,
    signalScore: trade.signalScore,
    entryTime: trade.entryTime,
    entryPrice: trade.entryPrice,
    quantity: trade.quantity,
    lastPrice: null,
    exitTime: trade.exitTime,
    exitPrice: trade.exitPrice,
    exitReason: trade.exitReason,
    holdingDays: trade.holdingDays,
    grossPnl: trade.grossPnl,
    fees: trade.fees,
    tax: trade.tax,
    netPnl: trade.netPnl,
    netReturn: trade.netReturn,
  };
}

function openRows(state: PortfolioState): StoredPortfolioPosition[] {
  return state.positions.map((p) => ({
    symbol: p.symbol,
    status: "open",
    signalType: p.signalType,
    signalTime: p.signalTime,
    signalScore: p.signalScore,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    quantity: p.quantity,
    lastPrice: p.lastClose * 1000,
    exitTime: null,
    exitPrice: null,
    exitReason: null,
    holdingDays: null,
    grossPnl: null,
    fees: p.entryFee,
    tax: p.entryTax ?? null,
    netPnl: null,
    netReturn: null,
  }));
}

/**
 * The symbols a portfolio steps on (its symbols, or null: every active stock), from `from` (the
 * last stepped close) to the newest stored: bars and stored signals, as vpa-core's analysed symbols.
 */
export type MarketReader = (symbols: readonly string[] | null, from: string) => Promise<AnalyzedSymbol[]>;

/**
 * A reader that reads each (symbols, from) once: the portfolios of one update are usually all at
 * the same close, and those on the same symbols (every active stock, VN30) share one reading.
 * Sharing is safe: the simulation never writes to the bars or records it is given.
 */
export function createMarketReader(db: Kysely<Database>): MarketReader {
  const readings = new Map<string, Promise<AnalyzedSymbol[]>>();
  return (symbols, from) => {
    const key = `${from}|${symbols === null ? "ALL" : [...symbols].sort().join(",")}`;
    let reading = readings.get(key);
    if (reading === undefined) {
      reading = readMarket(db, symbols, from);
      readings.set(key, reading);
    }
    return reading;
  };
}

async function readMarket(
  db: Kysely<Database>,
  symbols: readonly string[] | null,
  from: string,
): Promise<AnalyzedSymbol[]> {
  const readFrom = daysBefore(from, PORTFOLIO_LOOKBACK_CALENDAR_DAYS);
  const [rows, records] = await Promise.all([
    loadBacktestBars(db, { symbols, timeframe: "1D", from: readFrom, to: "9999-12-31" }),
    loadStoredSignalRecords(db, { symbols, from: readFrom, to: "9999-12-31" }),
  ]);
  return rows.map((row) => {
    const barTimes = new Set(row.time);
    return {
      symbol: row.symbol,
      exchange: row.exchange ?? "HOSE",
      columns: {
        time: row.time,
        open: Float64Array.from(row.open),
        high: Float64Array.from(row.high),
        low: Float64Array.from(row.low),
        close: Float64Array.from(row.close),
        volume: Float64Array.from(row.volume),
      },
      // Only records dated at a loaded bar: collectSignalEvents walks the bars to each record.
      records: (records.get(row.symbol) ?? []).filter((record) =>
        barTimes.has(record.time),
      ) as AnalyzedSymbol["records"],
    };
  });
}

/**
 * Brings one portfolio up to the newest stored close: the bars and the **stored signals** (what the
 * scans stored, with their confirmations) from just before the first close to step to the newest,
 * placed on the backtest's calendar, and vpa-core's `stepPortfolio` run once for every close after
 * the stored state's (the backtest's own loop, `advancePortfolio`, open-ended: the newest close's
 * signals become orders for the next open). Nothing newer stored → nothing written.
 *
 * It must run once the scan's analyze jobs have stored the newest close's signals (a close stepped
 * without them is not stepped again). The stored signals equal an analysis of the full history
 * (analyze-chunk.job.ts: the 250-bar window), so a replay still equals the backtest trade for trade.
 */
export async function updatePortfolio(
  db: Kysely<Database>,
  portfolio: StoredPortfolio,
  calendar: market.HolidayCalendar = market.DEFAULT_HOLIDAY_CALENDAR,
  read: MarketReader = createMarketReader(db),
): Promise<PortfolioUpdateSummary> {
  const config = readPortfolioConfig(portfolio.config);
  const state = structuredClone(portfolio.state) as PortfolioState;
  const unchanged: PortfolioUpdateSummary = {
    name: portfolio.name,
    sessions: 0,
    tradesClosed: 0,
    lastSession: portfolio.lastSession,
    value: state.lastEquity,
    positions: state.positions.length,
  };
  // The universe starts at the last close stepped (advancePortfolio steps the closes after it).
  const from = portfolio.lastSession ?? portfolio.startedOn;
  const analyzed = await read(config.symbols === "ALL" ? null : config.symbols, from);
  let newest = "";
  for (const symbol of analyzed) {
    const last = symbol.columns.time.at(-1);
    if (last !== undefined && last > newest) newest = last;
  }
  if (newest === "" || newest < portfolio.startedOn) return unchanged;
  if (portfolio.lastSession !== null && newest <= portfolio.lastSession) return unchanged;
  const universe = createBacktestUniverse(analyzed, { from, to: newest });
  const events = collectSignalEvents(universe, config.strategy);
  const trades: ClosedTrade[] = [];
  const closes: { date: string; cash: number; invested: number; equity: number; positions: number }[] = [];
  let previousValue = state.lastEquity;
  advancePortfolio(
    state,
    universe,
    config.strategy,
    events.candidates,
    events.bearSignalAt,
    calendar,
    trades,
    emptyStepCounters(),
    {
      openEnded: true,
      onClose: (date, after) =>
        closes.push({
          date,
          cash: after.cash,
          invested: after.invested,
          equity: after.lastEquity,
          positions: after.positions.length,
        }),
    },
  );
  if (closes.length === 0) return unchanged;
  const index = await loadIndexSeries(db, { symbol: config.benchmark, from: closes[0]!.date, to: newest });
  const indexClose = new Map<string, number>();
  for (let i = 0; i < (index?.time.length ?? 0); i++) indexClose.set(index!.time[i]!, index!.close[i]!);
  const performance: PortfolioPerformanceRow[] = closes.map((close) => {
    const row = {
      date: close.date,
      cash: close.cash,
      invested: close.invested,
      value: close.equity,
      positions: close.positions,
      dailyReturn: previousValue > 0 ? close.equity / previousValue - 1 : null,
      indexClose: indexClose.get(close.date) ?? null,
    };
    previousValue = close.equity;
    return row;
  });
  const saved = await savePortfolioAdvance(db, {
    portfolioId: portfolio.id,
    fromSession: portfolio.lastSession,
    lastSession: state.lastSession!,
    state,
    open: openRows(state),
    closed: trades.map(closedRow),
    performance,
  });
  if (!saved) return unchanged;
  return {
    name: portfolio.name,
    sessions: closes.length,
    tradesClosed: trades.length,
    lastSession: state.lastSession,
    value: state.lastEquity,
    positions: state.positions.length,
  };
}

/** A scan's analyze jobs: the update trades on the signals they store. */
export interface ScanToWaitFor {
  readonly analyzeQueue: Pick<TypedQueue<"analyze">, "countUnfinished">;
  readonly jobIds: readonly string[];
  /** @defaultValue 30 minutes (as the scan's digest waits) */
  readonly maxWaitMs?: number;
  /** @defaultValue 1 000 ms */
  readonly pollMs?: number;
}

/**
 * Waits until every analyze job of the scan has finished (stored its signals, or failed for good),
 * at most `maxWaitMs`: past it the portfolios step on what is stored, as the digest goes out.
 */
async function waitForScan(scan: ScanToWaitFor): Promise<void> {
  const deadline = Date.now() + (scan.maxWaitMs ?? 30 * 60_000);
  while ((await scan.analyzeQueue.countUnfinished(scan.jobIds)) > 0 && Date.now() < deadline) {
    await sleep(scan.pollMs ?? 1_000);
  }
}

/**
 * Every paper portfolio brought up to the newest close (the daily scheduled scan calls this after
 * the track record, with `afterScan`: the newest close's signals must be stored before it is
 * stepped, since a stepped close is never stepped again). Idempotent: a second run finds each portfolio at the newest close and adds
 * nothing. Sets `vpa_portfolio_value` / `vpa_portfolio_positions` when given the metrics.
 */
export async function updatePortfolios(
  db: Kysely<Database>,
  options: {
    readonly calendar?: market.HolidayCalendar;
    readonly metrics?: Pick<Metrics, "portfolioValue" | "portfolioPositions">;
    /** The scan whose signals the update trades on: it waits for its analyze jobs first. */
    readonly afterScan?: ScanToWaitFor;
  } = {},
): Promise<PortfolioUpdateSummary[]> {
  const portfolios = await listPortfolios(db);
  if (portfolios.length === 0) return [];
  if (options.afterScan !== undefined) await waitForScan(options.afterScan);
  const summaries: PortfolioUpdateSummary[] = [];
  const read = createMarketReader(db);
  for (const portfolio of portfolios) {
    const summary = await updatePortfolio(db, portfolio, options.calendar, read);
    options.metrics?.portfolioValue.set({ portfolio: summary.name }, summary.value);
    options.metrics?.portfolioPositions.set({ portfolio: summary.name }, summary.positions);
    summaries.push(summary);
  }
  return summaries;
}
