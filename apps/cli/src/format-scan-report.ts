import { countOf } from "./count-of.ts";
import type { ScanReport } from "./scan-and-wait.ts";

/** What a scan was asked for, as `vpa scan` names it. */
export interface ScanAsked {
  readonly timeframe: string;
  /** `--lookback-days`: the signals of that many days; without it, the newest bar's only. */
  readonly lookbackDays?: number;
  /** `--no-alerts`: false, the signals stored and nobody alerted. Default true. */
  readonly alert?: boolean;
}

/** What a scan with `--no-alerts` is for, and what to run next. */
const STORED_ONLY =
  "alerts: none (--no-alerts); bring the track record up to these signals: vpa study --update";

/** `vpa scan` without `--wait`: what it queued. */
export interface ScanPlanSummary {
  readonly enqueued: number;
  /** Analyze jobs of an earlier scan (failed, or completed with --force) done again. */
  readonly redone: number;
  /** Requested symbols with no bars. */
  readonly missing: readonly string[];
}

const seconds = (value: number) => `${value.toFixed(2)} s`;

function missingLine(missing: readonly string[]): string[] {
  return missing.length === 0 ? [] : [`no bars for: ${missing.join(", ")}`];
}

/** `vpa scan`'s queued scan, a line each for a person (`--json` prints the record itself). */
export function formatScanPlan(plan: ScanPlanSummary, asked: ScanAsked): string {
  const redone = plan.redone > 0 ? `; ${countOf(plan.redone, "job")} of an earlier scan redone` : "";
  return [
    `queued the analysis of ${countOf(plan.enqueued, "symbol")} (${asked.timeframe} bars)${redone}`,
    ...(asked.alert === false ? [STORED_ONLY] : []),
    ...missingLine(plan.missing),
  ].join("\n");
}

/** `vpa scan --wait`'s outcome, a line each for a person (`--json` prints the record itself). */
export function formatScanReport(report: ScanReport, asked: ScanAsked): string {
  const earlier =
    report.alreadyScanned > 0
      ? `, ${report.alreadyScanned.toLocaleString("en-US")} of them already by an earlier scan`
      : "";
  const window =
    asked.lookbackDays === undefined
      ? "on the newest bar"
      : `in the last ${countOf(asked.lookbackDays, "day")}`;
  const sent = report.deliveryJobs - report.deliveriesPending;
  const messages =
    report.deliveryJobs === 0
      ? report.alertJobs === 0
        ? ""
        : ", no message to send"
      : report.deliveriesPending === 0
        ? `, ${countOf(report.deliveryJobs, "message")} sent`
        : `, ${countOf(report.deliveryJobs, "message")}: ${sent.toLocaleString("en-US")} sent, ${report.deliveriesPending.toLocaleString("en-US")} still on their way` +
          " (held by quiet hours, a pause or rate limits; they go out on their own)";
  return [
    `scanned ${countOf(report.symbols, "symbol")} (${asked.timeframe} bars)${earlier}`,
    `signals: ${report.signalsInWindow.toLocaleString("en-US")} ${window}, ${report.newSignals.toLocaleString("en-US")} new`,
    asked.alert === false
      ? STORED_ONLY
      : `alerts: ${report.alertJobs.toLocaleString("en-US")} fanned out${messages}`,
    ...missingLine(report.missing),
    ...report.analyzeFailed.map((failure) => `analysis failed: ${failure.jobId}: ${failure.reason}`),
    ...report.alertFailed.map((failure) => `alert failed: ${failure.jobId}: ${failure.reason}`),
    `took ${seconds(report.scanSeconds)} to scan${asked.alert === false ? "" : `, ${seconds(report.alertSeconds)} to alert`}`,
  ].join("\n");
}
