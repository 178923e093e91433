import { DERIVATIVES_SESSIONS, market } from "@vpa/core";

/** VN30 index futures: VN30F1M, VN30F2M, VN30F1Q, VN30F2Q and the contract codes (VN30F2406…). */
const VN30_FUTURE = /^VN30F[0-9A-Z]+$/;

/**
 * The session table a symbol's provisional evaluation uses (vpa-signals.md §10): the futures'
 * (ATO 08:45) for VN30 futures, its exchange's otherwise.
 *
 * @example
 * sessionsOfSymbol("VN30F1M", "HNX"); // DERIVATIVES_SESSIONS
 * sessionsOfSymbol("VCB", "HOSE");    // market.DEFAULT_TRADING_SESSIONS.HOSE
 */
export function sessionsOfSymbol(
  symbol: string,
  exchange: market.Exchange,
  sessions: market.TradingSessionTable = market.DEFAULT_TRADING_SESSIONS,
): readonly market.TradingSession[] {
  return VN30_FUTURE.test(symbol) ? DERIVATIVES_SESSIONS : sessions[exchange];
}

/** Every exchange's table replaced by the futures': what a VN30 future's bars are bucketed by. */
const DERIVATIVES_CLOCK: market.MarketClockOptions = Object.freeze({
  sessions: Object.freeze({
    HOSE: DERIVATIVES_SESSIONS,
    HNX: DERIVATIVES_SESSIONS,
    UPCOM: DERIVATIVES_SESSIONS,
  }),
});

/**
 * The live stream's market clock for a symbol: the derivatives' hours for VN30 futures (their
 * bars start with the 08:45 opening auction and end with the 14:45 closing one), the exchange's
 * default tables otherwise.
 */
export function marketClockOfSymbol(symbol: string): market.MarketClockOptions | undefined {
  return VN30_FUTURE.test(symbol) ? DERIVATIVES_CLOCK : undefined;
}
