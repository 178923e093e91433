import { market } from "@vpa/core";

type Exchange = market.Exchange;
type MarketClockOptions = market.MarketClockOptions;
type TradingSession = market.TradingSession;

/**
 * Where intraday bars start and end: buckets of the timeframe aligned to the start of each
 * *trading block* — a run of back-to-back order-matching phases (ATO, continuous, ATC, PLO) of the
 * exchange's session table in `@vpa/core` (vn-market.md §1). Default tables give:
 *
 * | exchange | blocks (local time)          | 15m buckets                          |
 * |----------|------------------------------|--------------------------------------|
 * | HOSE     | 09:00–11:30, 13:00–14:45     | 09:00 … 11:15, 13:00 … 14:30 (ATC)   |
 * | HNX      | 09:00–11:30, 13:00–15:00     | 09:00 … 11:15, 13:00 … 14:45 (PLO)   |
 * | UPCOM    | 09:00–11:30, 13:00–15:00     | 09:00 … 11:15, 13:00 … 14:45         |
 *
 * Why 09:00 and not 09:15 on HOSE: every exchange then shares one grid, and the ATO auction gets
 * its own first bar instead of being folded into 09:15. The lunch break ends the morning's last
 * bucket at 11:30 whatever the timeframe (a 1h stream has an 11:00–11:30 bar); HOSE's
 * put-through-only window (14:45–15:00) and any time outside a block produce no bucket.
 */
export interface SessionBucket {
  /** Open time, epoch ms (the bar's time). */
  readonly startMs: number;
  /** End, epoch ms, excluded: `startMs` + the timeframe, cut at the end of the block. */
  readonly endMs: number;
}

/** A run of order-matching phases, minutes since local midnight, end excluded. */
export interface TradingBlock {
  readonly startMinute: number;
  readonly endMinute: number;
}

// Session tables are frozen data; a tick stream asks for the same table's blocks thousands of times.
const blockCache = new WeakMap<readonly TradingSession[], readonly TradingBlock[]>();

/**
 * Merges the order-matching sessions of one exchange into blocks.
 *
 * @example
 * tradingBlocks(market.DEFAULT_TRADING_SESSIONS.HOSE); // [{ 540, 690 }, { 780, 885 }]
 */
export function tradingBlocks(sessions: readonly TradingSession[]): readonly TradingBlock[] {
  const cached = blockCache.get(sessions);
  if (cached !== undefined) return cached;
  const blocks: { startMinute: number; endMinute: number }[] = [];
  const matching = sessions
    .filter((s) => market.ORDER_MATCHING_PHASES.includes(s.phase))
    .map((s) => ({ startMinute: market.minuteOfDay(s.start), endMinute: market.minuteOfDay(s.end) }))
    .sort((a, b) => a.startMinute - b.startMinute);
  for (const session of matching) {
    const last = blocks.at(-1);
    if (last !== undefined && last.endMinute === session.startMinute) last.endMinute = session.endMinute;
    else blocks.push({ ...session });
  }
  blockCache.set(sessions, blocks);
  return blocks;
}

/**
 * The bucket of `timeframeMinutes` that contains `instantMs` on `exchange`, or null outside the
 * trading blocks (before/after hours, lunch, weekends, holidays of the calendar).
 *
 * @example
 * sessionBucketAt("HOSE", Date.parse("2024-01-02T11:20:00+07:00"), 60);
 * // { startMs: 11:00, endMs: 11:30 } — cut by the lunch break
 */
export function sessionBucketAt(
  exchange: Exchange,
  instantMs: number,
  timeframeMinutes: number,
  options: MarketClockOptions = {},
): SessionBucket | null {
  const local = market.toVietnamTime(instantMs);
  const calendar = options.calendar ?? market.DEFAULT_HOLIDAY_CALENDAR;
  if (!calendar.isTradingDay(local.date)) return null;
  const sessions = (options.sessions ?? market.DEFAULT_TRADING_SESSIONS)[exchange];
  const block = tradingBlocks(sessions).find(
    (b) => local.minuteOfDay >= b.startMinute && local.minuteOfDay < b.endMinute,
  );
  if (block === undefined) return null;
  const startMinute =
    block.startMinute +
    Math.floor((local.minuteOfDay - block.startMinute) / timeframeMinutes) * timeframeMinutes;
  const endMinute = Math.min(startMinute + timeframeMinutes, block.endMinute);
  const midnightMs = Date.parse(`${local.date}T00:00:00+07:00`);
  return { startMs: midnightMs + startMinute * 60_000, endMs: midnightMs + endMinute * 60_000 };
}
