import { describe, expect, it } from "vitest";
import { describeRunPeriod, describeUntradedEntries } from "./benchmark-verdict.ts";

describe("a run's period as a person reads it", () => {
  it("counts an intraday run in sessions and bars, a daily one in sessions", () => {
    const intraday = {
      from: "2023-11-17",
      to: "2024-01-15",
      firstSession: "2023-11-17T09:00:00+07:00",
      lastSession: "2024-01-15T14:45:00+07:00",
      sessions: 40,
      bars: 7615,
    };
    expect(describeRunPeriod(intraday)).toBe("2023-11-17 09:00 → 2024-01-15 14:45, 40 sessions (7,615 bars)");
    const daily = {
      ...intraday,
      firstSession: "2020-01-02",
      lastSession: "2021-12-31",
      sessions: 1000,
      bars: 1000,
    };
    expect(describeRunPeriod(daily)).toBe("2020-01-02 → 2021-12-31, 1,000 sessions");
    // Reports stored before bars were counted apart: their sessions were their bars.
    const { bars: _, ...stored } = daily;
    expect(describeRunPeriod(stored)).toBe("2020-01-02 → 2021-12-31, 1,000 sessions");
    const { bars: __, ...storedIntraday } = { ...intraday, sessions: 7615 };
    expect(describeRunPeriod(storedIntraday)).toBe("2023-11-17 09:00 → 2024-01-15 14:45, 7,615 bars");
    expect(describeRunPeriod({ ...daily, firstSession: null, lastSession: null, sessions: 0, bars: 0 })).toBe(
      "2023-11-17 → 2024-01-15, 0 sessions",
    );
  });
});

describe("entries a sizing could never trade", () => {
  const report = (belowOneLot: number | undefined) => ({
    counters: { entriesSkippedBelowOneLot: belowOneLot },
    engineConfig: { positionFraction: 0.1 },
  });

  it("says how many, why and what to change, Vietnamese first", () => {
    const text = describeUntradedEntries(report(41));
    expect(text?.vi).toBe(
      "41 lệnh mua không được thực hiện: 10 % tài sản cho mỗi vị thế không đủ mua 1 lô (hoặc 1 hợp đồng tương lai). Tăng --position-size hoặc --capital, hoặc giao dịch hợp đồng tương lai ký quỹ (--futures-margin).",
    );
    expect(text?.en).toBe(
      "41 buy orders not placed: 10 % of the equity per position buys less than one board lot (or one futures contract). Raise --position-size or --capital, or trade futures on margin (--futures-margin).",
    );
  });

  it("says nothing when every order could buy one (or the run was stored before this was counted)", () => {
    expect(describeUntradedEntries(report(0))).toBeNull();
    expect(describeUntradedEntries(report(undefined))).toBeNull();
  });
});
