import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Flat history: resistance 10050, avg spread 100, avg volume 1000, trend flat (see histories.ts).
const base = { high: 10_100, low: 9_950, close: 9_980, volume: 1_000 }; // sr 1.5, cl 0.2

describe("UPTHRUST", () => {
  it("fires on a push over resistance that closes back inside and low, with the hand-computed score", () => {
    // By hand: sv = (1−1)/2 = 0, ss = (1.5−1)/1.5 = 0.333, sc = (0.2−0.4)/(0−0.4) = 0.5,
    // context 0.85 → 0.85 × (0 + 10 + 15) = 21.25 → 21. Confidence 0.5.
    expect(signalAtLastBar(flatHistory().bar(base).build(), "bear")).toMatchObject({
      type: "UPTHRUST",
      bias: "bear",
      score: 21,
      confidence: 0.5,
      variant: null,
    });
  });

  it("gets the full context and the trend bonus in an up trend", () => {
    // Same bar after the uptrend (resistance 10050 too): 1 × 25 = 25, confidence 0.65.
    expect(signalAtLastBar(uptrendHistory().bar(base).build(), "bear")).toMatchObject({
      type: "UPTHRUST",
      score: 25,
      confidence: 0.65,
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["high one tick over resistance", { high: 10_051, low: 9_951, close: 9_971, volume: 1_000 }, true],
    ["high equal to resistance", { high: 10_050, low: 9_950, close: 9_970, volume: 1_000 }, false],
    ["close exactly at resistance", { high: 10_300, low: 10_050, close: 10_050, volume: 1_000 }, true],
    ["close one tick over resistance", { high: 10_300, low: 10_050, close: 10_051, volume: 1_000 }, false],
    ["cl exactly 0.4", { ...base, close: 10_010 }, true],
    ["cl 0.407", { ...base, close: 10_011 }, false],
    ["sr exactly 1.0", { high: 10_100, low: 10_000, close: 10_020, volume: 1_000 }, true],
    ["sr 0.99", { high: 10_100, low: 10_001, close: 10_020, volume: 1_000 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(flatHistory().bar(bar).build(), "bear");
    if (fires) expect(type).toBe("UPTHRUST");
    else expect(type).not.toBe("UPTHRUST");
  });

  it("is not read in a down trend", () => {
    // Downtrend resistance is 10525: the bar pokes over it and closes back low.
    const bar = { high: 10_600, low: 10_400, close: 10_420, volume: 1_000 };
    expect(signalTypeAtLastBar(downtrendHistory().bar(bar).build(), "bear")).not.toBe("UPTHRUST");
  });
});
