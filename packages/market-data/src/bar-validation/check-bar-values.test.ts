import { describe, expect, it } from "vitest";
import {
  type BarValues,
  checkBarValues,
  describePriceJump,
  findPriceJump,
  isPriceJump,
} from "./check-bar-values.ts";
import { PRICE_JUMP_FACTOR, SANE_PRICE_RANGE } from "./sane-price-range.ts";

const good: BarValues = { open: 23.4, high: 23.5, low: 23, close: 23.45, volume: 1200 };
const check = (change: Partial<BarValues>) => checkBarValues({ ...good, ...change });

describe("checkBarValues", () => {
  it("accepts real bars: adjusted 4-decimal prices, zero volume, index points, futures", () => {
    expect(check({})).toBeNull();
    expect(check({ open: 0.0013, high: 0.0014, low: 0.0013, close: 0.0014, volume: 100 })).toBeNull();
    expect(check({ volume: 0 })).toBeNull();
    expect(check({ open: 1587, high: 1590, low: 1580, close: 1585, volume: 434_444_200 })).toBeNull();
    expect(check({ open: 943.5, high: 943.6, low: 942.6, close: 943.1, volume: 4342 })).toBeNull();
    expect(check({ open: 9514.332, high: 9523.5977, low: 9514.332, close: 9523.5977 })).toBeNull();
  });

  it("rejects the fault-injection bar high = close = 1e300 as out of the sane range", () => {
    expect(check({ high: 1e300, close: 1e300 })).toEqual({
      problem: "price-out-of-range",
      detail: "high 1e+300 is outside the sane range 0.0001–10,000,000 thousand VND",
    });
  });

  it.each([
    [{ close: Number.NaN }, "not-a-number"],
    [{ volume: Number.NaN }, "not-a-number"],
    [{ low: 0 }, "non-positive-price"],
    [{ low: -1 }, "non-positive-price"],
    [{ low: Number.NEGATIVE_INFINITY }, "non-positive-price"],
    [{ high: Number.POSITIVE_INFINITY }, "price-out-of-range"],
    [{ high: SANE_PRICE_RANGE.max * 1.01 }, "price-out-of-range"],
    [{ low: SANE_PRICE_RANGE.min / 2 }, "price-out-of-range"],
    [{ volume: -1 }, "negative-volume"],
    [{ volume: 10.5 }, "bad-volume"],
    [{ volume: Number.POSITIVE_INFINITY }, "bad-volume"],
    [{ volume: 2 ** 60 }, "bad-volume"],
    [{ high: 22, low: 23 }, "high-below-low"],
    [{ open: 24 }, "open-outside-range"],
    [{ close: 22 }, "close-outside-range"],
    [{ high: 2345 }, "price-jump"],
    [{ low: 0.2, open: 23.4 }, "price-jump"],
  ] as const)("%j → %s", (change, problem) => {
    expect(check(change)?.problem).toBe(problem);
  });

  it("shows the source's text when given, and the converted value when it differs", () => {
    const texts = { open: "23400", high: "0x10", low: "23000", close: "23450", volume: "5" };
    expect(checkBarValues({ ...good, high: Number.NaN }, texts)?.detail).toBe(
      'high "0x10" is not a plain decimal number',
    );
    expect(checkBarValues({ ...good, close: Number.NaN }, { ...texts, close: "" })?.detail).toBe(
      "close is empty",
    );
    const vndTexts = { ...texts, high: "100000000000000" };
    expect(checkBarValues({ ...good, high: 100_000_000_000 }, vndTexts)?.detail).toBe(
      "high 100000000000000 (100000000000) is outside the sane range 0.0001–10,000,000 thousand VND",
    );
  });
});

describe("price jumps", () => {
  it("rejects a bar whose high or low is 100× its own close (SSI 2006-12-15 in the shared dataset)", () => {
    expect(
      checkBarValues({ open: 12.9036, high: 36.8675, low: 0.0092, close: 15.2908, volume: 293_000 }),
    ).toEqual({
      problem: "price-jump",
      detail: "low 0.0092 is 1/1660 of the close 15.2908 of the same bar",
    });
  });

  it(`flags ${PRICE_JUMP_FACTOR}× or more in either direction`, () => {
    expect(isPriceJump(23_450, 23.45)).toBe(true);
    expect(isPriceJump(0.02345, 23.45)).toBe(true);
    expect(isPriceJump(2345, 23.45)).toBe(true);
    // The largest real day-to-day move in the shared dataset (TH1 2018-05-18).
    expect(isPriceJump(63, 5.5)).toBe(false);
    expect(isPriceJump(5.5, 63)).toBe(false);
  });

  it("finds the close first, then a high or low that reaches 100× away", () => {
    expect(findPriceJump({ high: 23_500, low: 23_000, close: 23_450 }, 23.45)).toBe("close");
    expect(findPriceJump({ high: 23_500, low: 23, close: 23.4 }, 23.45)).toBe("high");
    expect(findPriceJump({ high: 23.5, low: 0.01, close: 23.4 }, 23.45)).toBe("low");
    expect(findPriceJump({ high: 24, low: 22, close: 23.4 }, 23.45)).toBeNull();
  });

  it("describes the factor", () => {
    expect(describePriceJump(23_450, 23.45)).toBe("1000× the");
    expect(describePriceJump(0.02345, 23.45)).toBe("1/1000 of the");
    expect(describePriceJump(23_400, 23.45)).toBe("998× the");
  });
});
