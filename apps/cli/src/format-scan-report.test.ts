import { describe, expect, it } from "vitest";
import { formatScanPlan, formatScanReport } from "./format-scan-report.ts";
import type { ScanReport } from "./scan-and-wait.ts";

const report: ScanReport = {
  symbols: 1,
  alreadyScanned: 0,
  missing: [],
  analyzeFailed: [],
  signalsInWindow: 41,
  newSignals: 41,
  alertJobs: 41,
  alertFailed: [],
  deliveryJobs: 0,
  deliveriesPending: 0,
  scanSeconds: 0.10290130599999997,
  alertSeconds: 0.516499726,
};

describe("vpa scan --wait, as a person reads it", () => {
  it("says what was scanned, what it found and what went out, in words and rounded times", () => {
    expect(formatScanReport(report, { timeframe: "1m", lookbackDays: 30 })).toBe(
      [
        "scanned 1 symbol (1m bars)",
        "signals: 41 in the last 30 days, 41 new",
        "alerts: 41 fanned out, no message to send",
        "took 0.10 s to scan, 0.52 s to alert",
      ].join("\n"),
    );
  });

  it("counts what an earlier scan already did, what is still on its way, and the newest bar alone", () => {
    const text = formatScanReport(
      {
        ...report,
        symbols: 30,
        alreadyScanned: 12,
        signalsInWindow: 5,
        newSignals: 2,
        alertJobs: 2,
        deliveryJobs: 7,
        deliveriesPending: 3,
      },
      { timeframe: "1D" },
    );
    expect(text).toContain("scanned 30 symbols (1D bars), 12 of them already by an earlier scan");
    expect(text).toContain("signals: 5 on the newest bar, 2 new");
    expect(text).toContain("alerts: 2 fanned out, 7 messages: 4 sent, 3 still on their way");
    expect(text).toContain("(held by quiet hours, a pause or rate limits; they go out on their own)");
  });

  it("lists each failure and each symbol without bars, one a line", () => {
    const text = formatScanReport(
      {
        ...report,
        missing: ["XYZ", "ABC"],
        analyzeFailed: [{ jobId: "analyze:1", reason: "boom" }],
        alertFailed: [{ jobId: "alert:9", reason: "signal 9 does not exist" }],
      },
      { timeframe: "1D" },
    );
    expect(text).toContain("no bars for: XYZ, ABC");
    expect(text).toContain("analysis failed: analyze:1: boom");
    expect(text).toContain("alert failed: alert:9: signal 9 does not exist");
  });

  it("with --no-alerts says nobody was alerted and what to run next, whatever the alert jobs", () => {
    const text = formatScanReport(
      { ...report, alertJobs: 0 },
      { timeframe: "1D", lookbackDays: 36_500, alert: false },
    );
    expect(text.split("\n")).toEqual([
      "scanned 1 symbol (1D bars)",
      "signals: 41 in the last 36,500 days, 41 new",
      "alerts: none (--no-alerts); bring the track record up to these signals: vpa study --update",
      "took 0.10 s to scan",
    ]);
  });
});

describe("vpa scan without --wait", () => {
  it("says how many symbols' analysis was queued, what was redone and what has no bars", () => {
    expect(formatScanPlan({ enqueued: 30, redone: 2, missing: ["XYZ"] }, { timeframe: "1D" })).toBe(
      [
        "queued the analysis of 30 symbols (1D bars); 2 jobs of an earlier scan redone",
        "no bars for: XYZ",
      ].join("\n"),
    );
    expect(formatScanPlan({ enqueued: 1, redone: 0, missing: [] }, { timeframe: "15m" })).toBe(
      "queued the analysis of 1 symbol (15m bars)",
    );
    expect(formatScanPlan({ enqueued: 1, redone: 0, missing: [] }, { timeframe: "1D", alert: false })).toBe(
      [
        "queued the analysis of 1 symbol (1D bars)",
        "alerts: none (--no-alerts); bring the track record up to these signals: vpa study --update",
      ].join("\n"),
    );
  });
});
