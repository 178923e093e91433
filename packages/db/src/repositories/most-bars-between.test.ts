import { describe, expect, it } from "vitest";
import { mostBarsBetween } from "./market-data-partitions.ts";

describe("mostBarsBetween (how many bars a look-back window can hold)", () => {
  it("counts calendar days for daily bars, both ends included", () => {
    expect(mostBarsBetween("1D", "2021-07-15", "2021-07-15")).toBe(1);
    // 2018-01-02 → 2021-07-15: 1,290 calendar days, ~880 sessions: never fewer than the sessions.
    expect(mostBarsBetween("1D", "2018-01-02", "2021-07-15")).toBe(1_291);
  });

  it("holds every minute of every day for intraday bars, and weeks for weekly bars", () => {
    expect(mostBarsBetween("15m", "2024-01-15T09:00:00+07:00", "2024-01-15T14:45:00+07:00")).toBe(24);
    expect(mostBarsBetween("1m", "2024-01-15T09:00:00+07:00", "2024-01-16T09:00:00+07:00")).toBe(1_441);
    expect(mostBarsBetween("1W", "2021-01-04", "2021-03-29")).toBe(13);
  });

  it("is 0 for a window that ends before it starts", () => {
    expect(mostBarsBetween("1D", "2021-07-15", "2021-07-14")).toBe(0);
  });
});
