import { describe, expect, it } from "vitest";
import { addCalendarMonths, planWalkForwardWindows } from "./walk-forward-windows.ts";

describe("walk-forward windows on the calendar", () => {
  it("trains 3 years, tests the next year, rolls by a year; the last test window ends at the period's end", () => {
    const windows = planWalkForwardWindows(
      { from: "2017-01-01", to: "2021-07-15" },
      { trainMonths: 36, testMonths: 12 },
    );
    expect(windows).toEqual([
      {
        index: 0,
        trainFrom: "2017-01-01",
        trainTo: "2019-12-31",
        testFrom: "2020-01-01",
        testTo: "2020-12-31",
      },
      {
        index: 1,
        trainFrom: "2018-01-01",
        trainTo: "2020-12-31",
        testFrom: "2021-01-01",
        testTo: "2021-07-15",
      },
    ]);
  });

  it("counts every boundary from the start, so month ends neither drift nor overlap", () => {
    // From Aug 31: +6 months is Feb 28 (clamped), +12 is Aug 31 again, +18 is Feb 29 of a leap year.
    const windows = planWalkForwardWindows(
      { from: "2018-08-31", to: "2020-12-31" },
      { trainMonths: 6, testMonths: 6 },
    );
    expect(windows.map((w) => [w.trainFrom, w.trainTo, w.testFrom, w.testTo])).toEqual([
      ["2018-08-31", "2019-02-27", "2019-02-28", "2019-08-30"],
      ["2019-02-28", "2019-08-30", "2019-08-31", "2020-02-28"],
      ["2019-08-31", "2020-02-28", "2020-02-29", "2020-08-30"],
      ["2020-02-29", "2020-08-30", "2020-08-31", "2020-12-31"],
    ]);
    // Test windows are contiguous and never overlap their own training window.
    for (const [k, w] of windows.entries()) {
      expect(w.testFrom > w.trainTo).toBe(true);
      if (k > 0) expect(w.testFrom).toBe(addDay(windows[k - 1]!.testTo));
    }
  });

  it("adds calendar months with the day clamped to the month", () => {
    expect(addCalendarMonths("2019-01-31", 1)).toBe("2019-02-28");
    expect(addCalendarMonths("2020-01-31", 1)).toBe("2020-02-29");
    expect(addCalendarMonths("2018-01-01", 36)).toBe("2021-01-01");
    expect(addCalendarMonths("2018-11-15", 14)).toBe("2020-01-15");
  });

  it("refuses a period no longer than one training window, and bad lengths", () => {
    expect(() =>
      planWalkForwardWindows({ from: "2019-01-01", to: "2021-12-31" }, { trainMonths: 36, testMonths: 12 }),
    ).toThrow("not longer than one training window");
    // One day after the training window is enough for a (short) test window.
    expect(
      planWalkForwardWindows({ from: "2019-01-01", to: "2022-01-01" }, { trainMonths: 36, testMonths: 12 }),
    ).toEqual([
      {
        index: 0,
        trainFrom: "2019-01-01",
        trainTo: "2021-12-31",
        testFrom: "2022-01-01",
        testTo: "2022-01-01",
      },
    ]);
    expect(() =>
      planWalkForwardWindows({ from: "2019-01-01", to: "2022-01-01" }, { trainMonths: 0, testMonths: 12 }),
    ).toThrow("trainMonths");
  });
});

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
