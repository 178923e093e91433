import { describe, expect, it } from "vitest";
import { buyFillPriceVnd, sellFillPriceVnd, toTickPriceVnd } from "./fill-model.ts";

describe("fill model at the open (thousand VND in, VND on a tick out)", () => {
  it("rounds adjusted prices to the nearest tick of their level", () => {
    expect(toTickPriceVnd("HOSE", 23.4567)).toBe(23_450); // 23,456.7 → tick 50
    expect(toTickPriceVnd("HOSE", 9.9931)).toBe(9_990); // 9,993 → tick 10
    expect(toTickPriceVnd("HNX", 23.4567)).toBe(23_500); // tick 100
  });

  it("does not buy at the ceiling and does not sell at the floor (HOSE ±7% of the previous close)", () => {
    // previous close 100,000 → ceiling 107,000, floor 93,000
    expect(buyFillPriceVnd("HOSE", 107.0, 100.0, 0)).toBeNull();
    expect(buyFillPriceVnd("HOSE", 106.9, 100.0, 0)).toBe(106_900);
    expect(sellFillPriceVnd("HOSE", 93.0, 100.0, 0)).toBeNull();
    expect(sellFillPriceVnd("HOSE", 93.1, 100.0, 0)).toBe(93_100);
    // UPCOM ±15%: previous close 10,000 → ceiling 11,500
    expect(buyFillPriceVnd("UPCOM", 11.5, 10.0, 0)).toBeNull();
  });

  it("adds slippage in ticks of the price's own level, never beyond the band", () => {
    expect(buyFillPriceVnd("HOSE", 101.23, 100.0, 1)).toBe(101_300); // 101,200 + 100
    expect(buyFillPriceVnd("HOSE", 106.9, 100.0, 3)).toBe(107_000); // capped at the ceiling
    expect(sellFillPriceVnd("HOSE", 45.0, 44.0, 2)).toBe(44_900); // two ticks of 50
    expect(sellFillPriceVnd("HOSE", 50.0, 50.0, 1)).toBe(49_950); // below 50,000 the tick is 50
    expect(sellFillPriceVnd("HOSE", 93.2, 100.0, 5)).toBe(93_000); // floored at the floor
  });

  it("checks no band on a symbol's first bar (no previous close)", () => {
    expect(buyFillPriceVnd("HOSE", 50.0, Number.NaN, 0)).toBe(50_000);
  });

  it("bands VN30 futures at ±7 % of the session's reference, not HNX's ±10 %", () => {
    const futures = { basisPoints: 700 };
    // Reference 1,000.0 points → ceiling 1,070.0, floor 930.0 (HNX stocks: 1,100.0 and 900.0).
    expect(buyFillPriceVnd("HNX", 1070.0, 1000.0, 0, futures)).toBeNull();
    expect(buyFillPriceVnd("HNX", 1070.0, 1000.0, 0)).toBe(1_070_000);
    expect(buyFillPriceVnd("HNX", 1069.9, 1000.0, 0, futures)).toBe(1_069_900);
    expect(sellFillPriceVnd("HNX", 930.0, 1000.0, 0, futures)).toBeNull();
    expect(sellFillPriceVnd("HNX", 930.5, 1000.0, 9, futures)).toBe(930_000); // floored at the floor
  });
});
