import { describe, expect, it } from "vitest";
import { dateToBarTime, epochSecondsToBarTime, readableBarTime, type Timeframe } from "./bar-time.ts";

describe("epochSecondsToBarTime", () => {
  it("equals dateToBarTime for daily and intraday bars over two centuries, leap days and midnights included", () => {
    // A fixed stride that is not a divisor of a day, so times land at every hour and minute.
    const start = Date.UTC(1900, 0, 1) / 1000;
    const end = Date.UTC(2100, 0, 1) / 1000;
    let compared = 0;
    for (let seconds = start; seconds < end; seconds += 86_400 * 3 + 3_661) {
      for (const timeframe of ["1D", "1m"] as Timeframe[]) {
        expect(epochSecondsToBarTime(seconds, timeframe)).toBe(
          dateToBarTime(new Date(seconds * 1000), timeframe),
        );
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(20_000);
    // Local midnight of a daily bar (stored at 00:00+07:00 = 17:00Z the day before), and a leap day.
    expect(epochSecondsToBarTime(Date.parse("2024-02-29T00:00:00+07:00") / 1000, "1D")).toBe("2024-02-29");
    expect(epochSecondsToBarTime(Date.parse("2021-07-15T14:45:00+07:00") / 1000, "15m")).toBe(
      "2021-07-15T14:45:00+07:00",
    );
  });
});

describe("readableBarTime", () => {
  it("reads an intraday bar time as its Vietnam date and clock, a daily one as its date", () => {
    expect(readableBarTime("2023-11-17T09:00:00+07:00")).toBe("2023-11-17 09:00");
    expect(readableBarTime("2020-01-30")).toBe("2020-01-30");
  });
});
