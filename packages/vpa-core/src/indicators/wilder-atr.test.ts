import { ATR, TrueRange, WEMA } from "technicalindicators";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../test-support/seeded-random.ts";
import { WilderAtr, wilderAtrColumn } from "./wilder-atr.ts";

function randomBars(length: number, seed: number) {
  const next = seededRandom(seed);
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  let price = 50;
  for (let i = 0; i < length; i++) {
    price *= 1 + (next() - 0.5) * 0.06;
    const l = price * (1 - next() * 0.03);
    const h = price * (1 + next() * 0.03);
    low.push(l);
    high.push(h);
    close.push(l + (h - l) * next());
  }
  return { high, low, close };
}

describe("WilderAtr", () => {
  it("follows the spec by hand: TR[0] = high−low, seed = mean(TR[0..13]), then (13·ATR + TR)/14", () => {
    const atr = new WilderAtr(14);
    // 14 bars of range 2 with unchanged closes: every TR is 2 → ATR[13] = 2.
    for (let i = 0; i < 13; i++) {
      atr.push(101, 99, 100);
      expect(atr.value()).toBeNaN();
    }
    atr.push(101, 99, 100);
    expect(atr.value()).toBe(2);
    // A gap up: TR = max(1, |106−100|, |105−100|) = 6 → (13·2 + 6)/14 = 32/14.
    atr.push(106, 105, 105.5);
    expect(atr.value()).toBe(32 / 14);
  });

  it("equals technicalindicators' WEMA over [high[0]−low[0], ...TrueRange] (relative 1e-12)", () => {
    const { high, low, close } = randomBars(3_000, 1);
    const trueRange = [high[0]! - low[0]!, ...TrueRange.calculate({ high, low, close })];
    const theirs = WEMA.calculate({ period: 14, values: trueRange });
    const ours = wilderAtrColumn(
      Float64Array.from(high),
      Float64Array.from(low),
      Float64Array.from(close),
      14,
    );
    expect(theirs.length).toBe(high.length - 13);
    theirs.forEach((value, j) => {
      expect(Math.abs(ours[j + 13]! - value)).toBeLessThanOrEqual(1e-12 * value);
    });
  });

  it("differs from technicalindicators' ATR, which seeds one bar later from TR[1..14], until the seed decays", () => {
    const { high, low, close } = randomBars(3_000, 2);
    const theirs = ATR.calculate({ high, low, close, period: 14 });
    const ours = wilderAtrColumn(
      Float64Array.from(high),
      Float64Array.from(low),
      Float64Array.from(close),
      14,
    );
    // Theirs starts at bar 14 (ours at 13) ...
    expect(theirs.length).toBe(high.length - 14);
    const relative = (j: number) => Math.abs(ours[j + 14]! - theirs[j]!) / theirs[j]!;
    // ... differs visibly at first ...
    expect(relative(0)).toBeGreaterThan(1e-6);
    // ... and the difference decays as (13/14)^k: gone to 1e-9 after ~400 bars.
    expect(relative(400)).toBeLessThan(1e-9);
    expect(relative(2_000)).toBeLessThan(1e-12);
  });
});

describe("wilderAtrColumn", () => {
  it("is bit-identical to WilderAtr pushed bar by bar", () => {
    const { high, low, close } = randomBars(2_000, 3);
    const column = wilderAtrColumn(
      Float64Array.from(high),
      Float64Array.from(low),
      Float64Array.from(close),
      14,
    );
    const atr = new WilderAtr(14);
    high.forEach((h, t) => {
      atr.push(h, low[t]!, close[t]!);
      expect(column[t]).toBe(atr.value());
    });
  });
});
