import { describe, expect, it } from "vitest";
import {
  barTimeToEpochMs,
  isWithinRange,
  requestWindowSeconds,
  resolveRequestRange,
  unixSecondsToBarTime,
} from "./provider-time.ts";

describe("unixSecondsToBarTime", () => {
  it("maps a daily stamp to its local (UTC+7) date, whichever convention the source uses", () => {
    const utcMidnight = Date.parse("2024-01-02T00:00:00Z") / 1000;
    const localMidnight = Date.parse("2024-01-02T00:00:00+07:00") / 1000;
    const localSeven = Date.parse("2024-01-02T07:00:00+07:00") / 1000;
    const sessionClose = Date.parse("2024-01-02T15:00:00+07:00") / 1000;
    for (const stamp of [utcMidnight, localMidnight, localSeven, sessionClose]) {
      expect(unixSecondsToBarTime(stamp, "1D")).toBe("2024-01-02");
      expect(unixSecondsToBarTime(stamp, "1W")).toBe("2024-01-02");
    }
  });

  it("maps an intraday stamp to the local instant with +07:00", () => {
    expect(unixSecondsToBarTime(Date.parse("2024-01-02T02:15:00Z") / 1000, "15m")).toBe(
      "2024-01-02T09:15:00+07:00",
    );
    expect(unixSecondsToBarTime(Date.parse("2024-01-02T17:30:00Z") / 1000, "1m")).toBe(
      "2024-01-03T00:30:00+07:00",
    );
  });

  it("is null for unusable stamps", () => {
    expect(unixSecondsToBarTime(Number.NaN, "1D")).toBeNull();
    expect(unixSecondsToBarTime(1e20, "1m")).toBeNull();
  });
});

describe("request ranges", () => {
  const now = Date.parse("2024-03-04T10:00:00+07:00");

  it("a date `to` covers the whole local day; the UDF window is whole local days", () => {
    const range = resolveRequestRange(
      { symbol: "VCB", timeframe: "1D", from: "2024-01-02", to: "2024-01-05" },
      now,
      "udf",
    );
    expect(range.fromDate).toBe("2024-01-02");
    expect(range.toDate).toBe("2024-01-05");
    expect(requestWindowSeconds(range)).toEqual({
      from: Date.parse("2024-01-02T00:00:00+07:00") / 1000,
      to: Date.parse("2024-01-06T00:00:00+07:00") / 1000 - 1,
    });
    expect(isWithinRange("2024-01-05", range)).toBe(true);
    expect(isWithinRange("2024-01-06", range)).toBe(false);
  });

  it("intraday ranges are inclusive instants; a date `to` means the end of that day", () => {
    const range = resolveRequestRange(
      { symbol: "VCB", timeframe: "15m", from: "2024-01-02T09:15:00+07:00", to: "2024-01-03" },
      now,
      "udf",
    );
    expect(isWithinRange("2024-01-02T09:00:00+07:00", range)).toBe(false);
    expect(isWithinRange("2024-01-02T09:15:00+07:00", range)).toBe(true);
    expect(isWithinRange("2024-01-03T14:45:00+07:00", range)).toBe(true);
    expect(isWithinRange("2024-01-04T09:00:00+07:00", range)).toBe(false);
  });

  it("defaults: to = now, from = the timeframe's look-back", () => {
    const range = resolveRequestRange({ symbol: "VCB", timeframe: "1m" }, now, "udf");
    expect(range.toMs).toBe(now);
    expect(range.fromDate).toBe("2024-02-26");
  });

  it("rejects unreadable times and from after to", () => {
    expect(() =>
      resolveRequestRange({ symbol: "VCB", timeframe: "1D", from: "2024-02-30" }, now, "udf"),
    ).toThrow(expect.objectContaining({ code: "PROVIDER_INVALID_REQUEST" }));
    expect(() =>
      resolveRequestRange(
        { symbol: "VCB", timeframe: "1D", from: "2024-02-03", to: "2024-02-02" },
        now,
        "udf",
      ),
    ).toThrow(expect.objectContaining({ code: "PROVIDER_INVALID_REQUEST" }));
  });

  it("reads dates as local midnight and instants as themselves", () => {
    expect(barTimeToEpochMs("2024-01-02")).toBe(Date.parse("2024-01-01T17:00:00Z"));
    expect(barTimeToEpochMs("2024-01-02T09:15:00+07:00")).toBe(Date.parse("2024-01-02T02:15:00Z"));
    expect(barTimeToEpochMs("yesterday")).toBeNull();
  });
});
