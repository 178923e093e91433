import { market } from "@vpa/core";
import type { Timeframe } from "@vpa/db";
import { CronExpressionParser } from "cron-parser";

/**
 * When the scanner scans on its own. Two schedules, both cron patterns evaluated in
 * Asia/Ho_Chi_Minh by BullMQ's job scheduler:
 * - `daily`: after the close, for daily bars (default 15:10 Monday–Friday: UPCOM closes at 15:00);
 * - `intraday`: during sessions, for intraday bars (off by default; e.g. every 15 minutes).
 *
 * Cron cannot express holidays, so every fired job asks {@link shouldRunScheduledScan} first: the
 * same predicate {@link plannedScanTimes} uses, so what the tests see planned is what runs.
 */
export const SCAN_TIME_ZONE = "Asia/Ho_Chi_Minh";
export const SCHEDULE_KINDS = ["daily", "intraday"] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface ScanSchedule {
  /** Also the BullMQ job scheduler id. */
  readonly id: `scan-${ScheduleKind}`;
  readonly kind: ScheduleKind;
  readonly pattern: string;
  readonly timeframe: Timeframe;
}

export type ScanDecision =
  | { readonly run: true }
  | { readonly run: false; readonly reason: "not-a-trading-day" | "market-closed" };

const MINUTE_MS = 60_000;

/**
 * Should a scan fired at `instant` run? Daily scans run on trading days; intraday scans only when
 * some exchange's order book was matching during the minute before (a bar just closed, including
 * the one ending at the lunch break or the close).
 */
export function shouldRunScheduledScan(
  kind: ScheduleKind,
  instant: number,
  calendar: market.HolidayCalendar = market.DEFAULT_HOLIDAY_CALENDAR,
): ScanDecision {
  const { date } = market.toVietnamTime(instant);
  if (!calendar.isTradingDay(date)) return { run: false, reason: "not-a-trading-day" };
  if (kind === "intraday") {
    const justBefore = instant - MINUTE_MS;
    if (!market.EXCHANGES.some((exchange) => market.isMarketOpen(exchange, justBefore, { calendar }))) {
      return { run: false, reason: "market-closed" };
    }
  }
  return { run: true };
}

/** Throws a RangeError naming the pattern if cron cannot parse it. */
export function validateCronPattern(pattern: string): void {
  try {
    CronExpressionParser.parse(pattern, { tz: SCAN_TIME_ZONE });
  } catch (error) {
    throw new RangeError(`not a cron pattern: ${JSON.stringify(pattern)} (${(error as Error).message})`);
  }
}

/** The instants in [from, to) at which `schedule` fires and the scan actually runs. */
export function plannedScanTimes(
  schedule: ScanSchedule,
  from: Date,
  to: Date,
  calendar: market.HolidayCalendar = market.DEFAULT_HOLIDAY_CALENDAR,
): Date[] {
  const cron = CronExpressionParser.parse(schedule.pattern, {
    tz: SCAN_TIME_ZONE,
    currentDate: new Date(from.getTime() - 1),
    endDate: to,
  });
  const times: Date[] = [];
  while (cron.hasNext()) {
    const next = cron.next().toDate();
    if (next.getTime() >= to.getTime()) break;
    if (shouldRunScheduledScan(schedule.kind, next.getTime(), calendar).run) times.push(next);
  }
  return times;
}
