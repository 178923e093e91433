import type { market } from "@vpa/core";
import type { Database } from "@vpa/db";
import type { JobPayload, TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { scanMarket } from "../scan-market.ts";
import { type ScanDecision, shouldRunScheduledScan } from "./scan-schedule.ts";

export interface ScheduledScanDependencies {
  readonly db: Kysely<Database>;
  readonly analyzeQueue: TypedQueue<"analyze">;
  readonly calendar: market.HolidayCalendar;
  /** Injected for tests; the worker passes Date.now. */
  readonly now: () => number;
}

export type ScheduledScanResult =
  | { readonly ran: true; readonly enqueued: number; readonly missing: number }
  | { readonly ran: false; readonly reason: Exclude<ScanDecision, { run: true }>["reason"] };

/** One firing of a scan schedule: skip holidays and closed markets, otherwise scan every symbol. */
export async function runScheduledScan(
  payload: JobPayload<"scan">,
  deps: ScheduledScanDependencies,
): Promise<ScheduledScanResult> {
  const decision = shouldRunScheduledScan(payload.kind, deps.now(), deps.calendar);
  if (!decision.run) return { ran: false, reason: decision.reason };
  const plan = await scanMarket(deps.db, deps.analyzeQueue, { timeframe: payload.timeframe });
  return { ran: true, enqueued: plan.jobIds.length, missing: plan.missing.length };
}
