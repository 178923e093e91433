import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";
import type { BarRow } from "./market-data-repository.ts";

/** Bars an alert chart shows by default: about three months of daily bars. */
export const CHART_BAR_COUNT = 60;

/**
 * The last `count` bars of a signal's stock and timeframe up to and including the signal's bar,
 * oldest first (thousand VND, times as in bar-time.ts). Empty when the signal does not exist;
 * the last bar is the signal's own unless its bar was deleted since.
 *
 * The signal row gives the stock, timeframe and time; the primary key (stock_id, timeframe, time)
 * is walked backwards from it.
 *
 * @example
 * const bars = await loadChartBars(db, signalId); // 60 bars, bars.at(-1).time === signal.time
 */
export async function loadChartBars(
  db: Kysely<Database>,
  signalId: number,
  count: number = CHART_BAR_COUNT,
): Promise<BarRow[]> {
  // Two statements, not a join on the signal: with the timeframe a bound value the planner keeps
  // its partition group only and walks the time partitions newest first, stopping after `count`
  // bars; joined, it could not prune and opened every partition (a Merge Append; migration 0014).
  const signal = await sql<{ stock_id: number; timeframe: string; time: Date }>`
    select stock_id, timeframe, time from vpa_signals where id = ${signalId}
  `.execute(db);
  const found = signal.rows[0];
  if (found === undefined) return [];
  const result = await sql<BarRow>`
    select to_char(m.time at time zone 'Asia/Ho_Chi_Minh',
        case when ${found.timeframe} in ('1D', '1W') then 'YYYY-MM-DD' else 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"' end
      ) as time, m.open, m.high, m.low, m.close, m.volume
    from (
      select time, open, high, low, close, volume from market_data
      where stock_id = ${found.stock_id} and timeframe = ${found.timeframe} and time <= ${found.time}
      order by time desc
      limit ${Math.max(0, Math.floor(count))}
    ) m
    order by m.time
  `.execute(db);
  return result.rows;
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
