import type { BarColumns } from "../bar.ts";
import type { Exchange } from "../market/exchange.ts";
import { isIndexFuture } from "../market/index-futures.ts";
import {
  DEFAULT_TRADING_SESSIONS,
  isTradingMinute,
  minuteOfDay,
  postCloseSessionOf,
  type TradingSession,
} from "../market/trading-sessions.ts";
import { toVietnamTime } from "../market/vietnam-time.ts";
import { DERIVATIVES_SESSIONS } from "../provisional/derivatives-sessions.ts";

/**
 * What the fill model needs to know of each intraday bar of a symbol, read once from its times:
 * the session's price-band reference, whether the bar can hold a fill, and whether it ends its
 * session. Daily bars need none of it (the previous bar is the previous session; every bar can
 * fill and ends its session), so only intraday runs build it.
 */
export interface IntradayBarRules {
  /**
   * Per bar: the band's reference (thousand VND), from the previous session's bars that could
   * trade (not a stray print after the close): HOSE and HNX (and VN30 futures) its close, the last
   * such bar's; UPCOM its volume-weighted average price ({@link sessionReference}). NaN in the
   * symbol's first session.
   */
  readonly reference: Float64Array;
  /** Per bar: 1 when it lies in a trading phase or at its closing print (`market.isTradingMinute`). */
  readonly canFill: Uint8Array;
  /** Per bar: 1 when it is the symbol's last bar of its date. */
  readonly sessionEnd: Uint8Array;
  /**
   * Per bar: 1 when it is the symbol's last bar of its date and no later than the start of its
   * post-close session (HNX's PLO, `postCloseSessionOf`): the data has no bar of that session,
   * which matches at this bar's close. 0 where the data has the PLO's own bars (they fill as any bar).
   */
  readonly postClose: Uint8Array;
}

/**
 * The session table that decides where a symbol's bars can fill: the derivatives' (08:45–14:45)
 * for VN30 futures, the exchange's default otherwise (UPCOM until 15:00, the later of the two
 * closes the sources give: a bar the exchange printed is not refused for the earlier one).
 */
export function fillSessionsOf(symbol: string, exchange: Exchange): readonly TradingSession[] {
  return isIndexFuture(symbol) ? DERIVATIVES_SESSIONS : DEFAULT_TRADING_SESSIONS[exchange];
}

/**
 * UPCOM's reference price is the volume-weighted average of the previous session's matches, not
 * its close (vn-market.md §2). Daily bars do not carry it (the close stands in there).
 */
function usesAveragePriceReference(symbol: string, exchange: Exchange): boolean {
  return exchange === "UPCOM" && !isIndexFuture(symbol);
}

/**
 * A session's volume-weighted average price from its bars, each at its typical price
 * (high + low + close) / 3, the usual estimate of a bar's own average when its trades are not
 * known; the close when the session traded nothing. Thousand VND (the band rounds it to the tick).
 */
function sessionReference(value: number, volume: number, close: number): number {
  return volume > 0 ? value / volume : close;
}

/** Whether `time` is an intraday bar time (bar-time notation with a clock), not a `YYYY-MM-DD` date. */
export function isIntradayTime(time: string | undefined): boolean {
  return time !== undefined && time.length > 10;
}

/**
 * Reads the session rules of every bar of one symbol's intraday columns (times strictly
 * increasing, any offset: dates and clocks are taken in Vietnam time).
 *
 * @example
 * const rules = readIntradayBarRules("VN30F1M", "HNX", columns);
 * rules.reference[i]; // the previous session's close, the same for every bar of bar i's session
 */
export function readIntradayBarRules(
  symbol: string,
  exchange: Exchange,
  columns: BarColumns,
): IntradayBarRules {
  const { time, high, low, close, volume } = columns;
  const averaged = usesAveragePriceReference(symbol, exchange);
  const n = time.length;
  const sessions = fillSessionsOf(symbol, exchange);
  const reference = new Float64Array(n);
  const canFill = new Uint8Array(n);
  const sessionEnd = new Uint8Array(n);
  const postClose = new Uint8Array(n);
  const postCloseSession = postCloseSessionOf(symbol, exchange);
  const postCloseStart = postCloseSession === null ? -1 : minuteOfDay(postCloseSession.start);
  const minutes = new Int16Array(n);
  const dates: string[] = new Array(n);
  let date = "";
  let previousSessionClose = Number.NaN;
  let sessionClose = Number.NaN;
  let sessionValue = 0;
  let sessionVolume = 0;
  for (let i = 0; i < n; i++) {
    const local = toVietnamTime(Date.parse(time[i]!));
    dates[i] = local.date;
    minutes[i] = local.minuteOfDay;
    if (local.date !== date) {
      previousSessionClose = Number.isNaN(sessionClose)
        ? i > 0
          ? close[i - 1]!
          : Number.NaN
        : averaged
          ? sessionReference(sessionValue, sessionVolume, sessionClose)
          : sessionClose;
      sessionClose = Number.NaN;
      sessionValue = 0;
      sessionVolume = 0;
      date = local.date;
    }
    reference[i] = previousSessionClose;
    if (isTradingMinute(sessions, local.minuteOfDay)) {
      canFill[i] = 1;
      sessionClose = close[i]!;
      const v = volume[i]!;
      if (v > 0) {
        sessionValue += ((high[i]! + low[i]! + close[i]!) / 3) * v;
        sessionVolume += v;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    sessionEnd[i] = i + 1 === n || dates[i + 1] !== dates[i] ? 1 : 0;
    postClose[i] = sessionEnd[i] === 1 && minutes[i]! <= postCloseStart ? 1 : 0;
  }
  return { reference, canFill, sessionEnd, postClose };
}
