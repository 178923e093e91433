import { market } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { sessionBucketAt, tradingBlocks } from "./session-bucket.ts";
import { formatBarTime } from "./stream-timeframe.ts";

const at = (local: string) => Date.parse(`${local}+07:00`);

function bucket(exchange: market.Exchange, local: string, minutes: number): [string, string] | null {
  const found = sessionBucketAt(exchange, at(local), minutes);
  return found === null ? null : [formatBarTime(found.startMs), formatBarTime(found.endMs)];
}

describe("tradingBlocks", () => {
  it("merges back-to-back order-matching phases and leaves out put-through", () => {
    expect(tradingBlocks(market.DEFAULT_TRADING_SESSIONS.HOSE)).toEqual([
      { startMinute: 540, endMinute: 690 }, // 09:00–11:30 (ATO + continuous)
      { startMinute: 780, endMinute: 885 }, // 13:00–14:45 (continuous + ATC)
    ]);
    expect(tradingBlocks(market.DEFAULT_TRADING_SESSIONS.HNX)).toEqual([
      { startMinute: 540, endMinute: 690 },
      { startMinute: 780, endMinute: 900 }, // ATC and PLO run to 15:00
    ]);
  });
});

describe("sessionBucketAt", () => {
  // 2024-01-02 is a Tuesday and a trading day.
  it("aligns 15m buckets to 09:00 and 13:00", () => {
    expect(bucket("HOSE", "2024-01-02T09:00:00", 15)).toEqual([
      "2024-01-02T09:00:00+07:00",
      "2024-01-02T09:15:00+07:00",
    ]);
    expect(bucket("HOSE", "2024-01-02T09:29:59", 15)?.[0]).toBe("2024-01-02T09:15:00+07:00");
    expect(bucket("HNX", "2024-01-02T13:14:00", 15)?.[0]).toBe("2024-01-02T13:00:00+07:00");
  });

  it("cuts the last morning bucket at the lunch break", () => {
    expect(bucket("HOSE", "2024-01-02T11:20:00", 60)).toEqual([
      "2024-01-02T11:00:00+07:00",
      "2024-01-02T11:30:00+07:00",
    ]);
    expect(bucket("HOSE", "2024-01-02T14:40:00", 60)).toEqual([
      "2024-01-02T14:00:00+07:00",
      "2024-01-02T14:45:00+07:00", // HOSE's ATC ends the day's order matching
    ]);
  });

  it("has no bucket at lunch, after the close, on put-through time, weekends and holidays", () => {
    expect(bucket("HOSE", "2024-01-02T11:30:00", 15)).toBeNull();
    expect(bucket("HOSE", "2024-01-02T12:59:59", 15)).toBeNull();
    expect(bucket("HOSE", "2024-01-02T14:50:00", 15)).toBeNull(); // put-through only
    expect(bucket("HNX", "2024-01-02T14:50:00", 15)?.[0]).toBe("2024-01-02T14:45:00+07:00"); // PLO
    expect(bucket("HNX", "2024-01-02T15:00:00", 15)).toBeNull();
    expect(bucket("HNX", "2024-01-02T08:59:00", 15)).toBeNull();
    expect(bucket("HNX", "2024-01-06T10:00:00", 15)).toBeNull(); // Saturday
    expect(bucket("HNX", "2024-02-12T10:00:00", 15)).toBeNull(); // Tet
  });

  it("follows a configured UPCOM close", () => {
    const sessions = market.createTradingSessions({ upcomClose: "14:30" });
    expect(sessionBucketAt("UPCOM", at("2024-01-02T14:35:00"), 15, { sessions })).toBeNull();
    expect(bucket("UPCOM", "2024-01-02T14:35:00", 15)?.[0]).toBe("2024-01-02T14:30:00+07:00");
  });
});
