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
