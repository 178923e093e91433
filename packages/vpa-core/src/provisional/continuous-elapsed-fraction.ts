import { minuteOfDay, type TradingSession } from "../market/trading-sessions.ts";
import { toVietnamTime } from "../market/vietnam-time.ts";

/** Phases whose volume arrives as trading goes on (not as one lump at an auction's match). */
const CONTINUOUS_PHASES = new Set(["CONTINUOUS", "PLO"]);

/**
 * `f = c / C` of vpa-signals.md §10: the share of the bar's continuous-trading minutes already
 * elapsed at `nowMs`, or null when the bar has no continuous minutes (a bar wholly in an auction)
 * or `nowMs` is in an auction phase, before the bar or after it. A bar lies within one day; times
 * are epoch ms, the sessions local Vietnam time.
 *
 * @example
 * // HOSE, 15m bar 09:15–09:30, at 09:20: one third elapsed
 * continuousElapsedFraction(Date.parse("2024-03-04T09:15:00+07:00"), Date.parse("2024-03-04T09:30:00+07:00"),
 *   Date.parse("2024-03-04T09:20:00+07:00"), market.DEFAULT_TRADING_SESSIONS.HOSE); // 0.3333…
 */
export function continuousElapsedFraction(
  startMs: number,
  endMs: number,
  nowMs: number,
  sessions: readonly TradingSession[],
): number | null {
  if (!(nowMs > startMs && nowMs <= endMs)) return null;
  const start = toVietnamTime(startMs).minuteOfDay;
  const end = start + (endMs - startMs) / 60_000;
  const now = start + (nowMs - startMs) / 60_000;
  let total = 0;
  let elapsed = 0;
  let nowInAuction = false;
  for (const session of sessions) {
    const from = minuteOfDay(session.start);
    const to = minuteOfDay(session.end);
    if (CONTINUOUS_PHASES.has(session.phase)) {
      total += overlap(start, end, from, to);
      elapsed += overlap(start, now, from, to);
    } else if (now > from && now <= to && session.phase !== "PUT_THROUGH") {
      // (from, to]: the auction's match at `to` is the auction's own volume, not the next phase's.
      nowInAuction = true;
    }
  }
  if (total === 0 || nowInAuction) return null;
  return elapsed / total;
}

function overlap(a: number, b: number, from: number, to: number): number {
  return Math.max(0, Math.min(b, to) - Math.max(a, from));
}
