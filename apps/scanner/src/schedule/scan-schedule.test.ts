import { market } from "@vpa/core";
import { describe, expect, it } from "vitest";
import {
  plannedScanTimes,
  type ScanSchedule,
  shouldRunScheduledScan,
  validateCronPattern,
} from "./scan-schedule.ts";

const daily: ScanSchedule = { id: "scan-daily", kind: "daily", pattern: "10 15 * * 1-5", timeframe: "1D" };
const intraday: ScanSchedule = {
  id: "scan-intraday",
  kind: "intraday",
  pattern: "*/15 9-14 * * 1-5",
  timeframe: "15m",
};

const localDates = (times: Date[]) => times.map((t) => market.toVietnamTime(t).date);
const localClock = (times: Date[]) =>
  times.map((t) => {
    const minutes = market.toVietnamTime(t).minuteOfDay;
    return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  });

describe("scan schedule", () => {
  it("plans no daily scan on Tet 2026 (Feb 16–20) nor on weekends, and one at 15:10 local on every other weekday", () => {
    const times = plannedScanTimes(
      daily,
      new Date("2026-02-01T00:00:00+07:00"),
      new Date("2026-03-01T00:00:00+07:00"),
    );
    const dates = localDates(times);
    // February 2026 has 20 weekdays; 5 of them are Tet.
    expect(dates).toHaveLength(15);
    for (const tet of ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]) {
      expect(dates).not.toContain(tet);
    }
    expect(dates).toContain("2026-02-13");
    expect(dates).toContain("2026-02-23");
    expect(new Set(localClock(times))).toEqual(new Set(["15:10"]));
  });

  it("skips the 2024 and 2025 Tet holidays and the other holidays of vn-market.md", () => {
    const dates2024 = localDates(
      plannedScanTimes(daily, new Date("2024-02-05T00:00:00+07:00"), new Date("2024-02-17T00:00:00+07:00")),
    );
    expect(dates2024).toEqual(["2024-02-05", "2024-02-06", "2024-02-07", "2024-02-15", "2024-02-16"]);
    const dates2025 = localDates(
      plannedScanTimes(daily, new Date("2025-01-24T00:00:00+07:00"), new Date("2025-02-05T00:00:00+07:00")),
    );
    expect(dates2025).toEqual(["2025-01-24", "2025-02-03", "2025-02-04"]);
    for (const holiday of [
      "2024-04-18",
      "2024-09-02",
      "2025-04-07",
      "2025-09-01",
      "2026-04-27",
      "2026-11-24",
    ]) {
      expect(shouldRunScheduledScan("daily", Date.parse(`${holiday}T15:10:00+07:00`))).toEqual({
        run: false,
        reason: "not-a-trading-day",
      });
    }
  });

  it("runs intraday scans only when a bar just closed inside a session (not before the open, at lunch or after the close)", () => {
    const times = plannedScanTimes(
      intraday,
      new Date("2026-03-02T00:00:00+07:00"),
      new Date("2026-03-03T00:00:00+07:00"),
    );
    expect(localClock(times)).toEqual([
      "09:15",
      "09:30",
      "09:45",
      "10:00",
      "10:15",
      "10:30",
      "10:45",
      "11:00",
      "11:15",
      "11:30",
      "13:15",
      "13:30",
      "13:45",
      "14:00",
      "14:15",
      "14:30",
      "14:45",
    ]);
    expect(
      plannedScanTimes(
        intraday,
        new Date("2026-02-16T00:00:00+07:00"),
        new Date("2026-02-17T00:00:00+07:00"),
      ),
    ).toEqual([]);
  });

  it("takes operator-added holidays into account", () => {
    const calendar = market.createHolidayCalendar({ extraHolidays: ["2027-01-01"] });
    expect(shouldRunScheduledScan("daily", Date.parse("2027-01-01T15:10:00+07:00"), calendar).run).toBe(
      false,
    );
    expect(shouldRunScheduledScan("daily", Date.parse("2027-01-04T15:10:00+07:00"), calendar).run).toBe(true);
  });

  it("rejects a pattern cron cannot parse, naming it", () => {
    expect(() => validateCronPattern("61 25 * * *")).toThrow(/61 25/);
  });
});
