import { type Kysely, sql } from "kysely";
import { dateToBarTime, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";
import { type BarRow, loadRecentBarsOfStocks } from "./market-data-repository.ts";

/** Bars an alert chart shows by default: about three months of daily bars. */
export const CHART_BAR_COUNT = 60;

/**
 * The last `count` bars of a signal's stock and timeframe up to and including the signal's bar,
 * oldest first (thousand VND, times as in bar-time.ts). Empty when the signal does not exist;
 * the last bar is the signal's own unless its bar was deleted since.
 *
 * The signal row gives the stock, timeframe and time; the primary key (stock_id, timeframe, time)
 * is walked backwards from it, with the timeframe a bound value (a join on the signal could not
 * prune the partition groups and opened every partition: a Merge Append, migration 0014).
 *
 * @example
 * const bars = await loadChartBars(db, signalId); // 60 bars, bars.at(-1).time === signal.time
 */
export async function loadChartBars(
  db: Kysely<Database>,
  signalId: number,
  count: number = CHART_BAR_COUNT,
): Promise<BarRow[]> {
  const [bars] = await loadChartBarsOfSignals(db, [signalId], count);
  return bars ?? [];
}

/**
 * {@link loadChartBars} for several signals at once (the charts of a bar close's HIGH alerts):
 * one statement reads the signals, then one per timeframe reads every stock's last `count` bars
 * up to its signal's bar ({@link loadRecentBarsOfStocks}: a lateral top-N per stock on the
 * primary key). Answers each id's bars in the ids' order, empty for a signal that does not exist.
 */
export async function loadChartBarsOfSignals(
  db: Kysely<Database>,
  signalIds: readonly number[],
  count: number = CHART_BAR_COUNT,
): Promise<BarRow[][]> {
  if (signalIds.length === 0) return [];
  const signals = await sql<{ id: number; stock_id: number; timeframe: Timeframe; time: Date }>`
    select id, stock_id, timeframe, time from vpa_signals where id = any(${[...new Set(signalIds)]}::int8[])
  `.execute(db);
  // One read per (timeframe, stock, bar): signals of one bar (two types) share it. A stock may
  // appear once per statement, so a second bar of the same stock waits for the next round.
  const wanted = new Map<string, { timeframe: Timeframe; stockId: number; until: string }>();
  const keyOfSignal = new Map<number, string>();
  for (const row of signals.rows) {
    const until = dateToBarTime(row.time, row.timeframe);
    const key = `${row.timeframe}|${row.stock_id}|${until}`;
    wanted.set(key, { timeframe: row.timeframe, stockId: row.stock_id, until });
    keyOfSignal.set(Number(row.id), key);
  }
  const barsOf = new Map<string, BarRow[]>();
  let pending = [...wanted.entries()];
  while (pending.length > 0) {
    // timeframe → stock → its read's key and bar
    const round = new Map<Timeframe, Map<number, { key: string; until: string }>>();
    const later: typeof pending = [];
    for (const [key, read] of pending) {
      const stocks = round.get(read.timeframe) ?? new Map<number, { key: string; until: string }>();
      if (stocks.has(read.stockId)) later.push([key, read]);
      else stocks.set(read.stockId, { key, until: read.until });
      round.set(read.timeframe, stocks);
    }
    await Promise.all(
      [...round.entries()].map(async ([timeframe, stocks]) => {
        const reads = [...stocks.entries()].map(([stockId, { until }]) => ({ stockId, until }));
        const bars = await loadRecentBarsOfStocks(db, timeframe, reads, Math.max(0, Math.floor(count)));
        for (const [stockId, { key }] of stocks) barsOf.set(key, bars.get(stockId) ?? []);
      }),
    );
    pending = later;
  }
  return signalIds.map((id) => {
    const key = keyOfSignal.get(id);
    return key === undefined ? [] : (barsOf.get(key) ?? []);
  });
}

/** A symbol's newest bars for /chart, with what the chart needs to name it. */
export interface SymbolChartBars {
  readonly symbol: string;
  readonly exchange: string | null;
  /** Oldest first; empty when the symbol is unknown or has no bars of the timeframe. */
  readonly bars: BarRow[];
}

/**
 * The last `count` bars of a symbol (any stored symbol, indices included), oldest first, in the
 * units and time format of {@link loadChartBars}. Null when no stock has this symbol.
 *
 * @example
 * const chart = await loadSymbolChartBars(db, "VCB"); // { symbol: "VCB", exchange: "HOSE", bars: [60 bars] }
 */
export async function loadSymbolChartBars(
  db: Kysely<Database>,
  symbol: string,
  timeframe = "1D",
  count: number = CHART_BAR_COUNT,
): Promise<SymbolChartBars | null> {
  const stock = await sql<{ id: number; symbol: string; exchange: string | null }>`
    select id, symbol, exchange from stocks where symbol = ${symbol}
  `.execute(db);
  const found = stock.rows[0];
  if (found === undefined) return null;
  const bars = await sql<BarRow>`
    select to_char(time at time zone 'Asia/Ho_Chi_Minh',
        case when ${timeframe} in ('1D', '1W') then 'YYYY-MM-DD' else 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"' end
      ) as time, open, high, low, close, volume
    from (
      select time, open, high, low, close, volume from market_data
      where stock_id = ${found.id} and timeframe = ${timeframe}
      order by time desc
      limit ${Math.max(0, Math.floor(count))}
    ) m
    order by time
  `.execute(db);
  return { symbol: found.symbol, exchange: found.exchange, bars: bars.rows };
}
