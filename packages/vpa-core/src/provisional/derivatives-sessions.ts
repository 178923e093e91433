import type { TradingSession } from "../market/trading-sessions.ts";

/**
 * The session table of the VN30 index futures (VN30F1M…, derivatives market, vn-market.md §1 and
 * vpa-signals.md §10): ATO 08:45–09:00, continuous 09:00–11:30 and 13:00–14:30, ATC 14:30–14:45.
 * Pass it where a provisional evaluation asks for the symbol's sessions.
 */
export const DERIVATIVES_SESSIONS: readonly TradingSession[] = [
  { phase: "ATO", start: "08:45", end: "09:00" },
  { phase: "CONTINUOUS", start: "09:00", end: "11:30" },
  { phase: "CONTINUOUS", start: "13:00", end: "14:30" },
  { phase: "ATC", start: "14:30", end: "14:45" },
];
