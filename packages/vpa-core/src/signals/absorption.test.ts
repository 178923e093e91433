import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

const base = { high: 10_025, low: 9_975, close: 10_000, volume: 2_000 }; // vr 2, sr 0.5, cl 0.5

describe("ABSORPTION", () => {
  it("is bullish in a down trend, with the hand-computed score", () => {
    // By hand: sv (2−1.5)/2 = 0.25, ss (0.5−0.7)/(0.3−0.7) = 0.5, sc (|0.5−0.5| − 0.5)/(0 − 0.5) = 1,
    // context 1 → 10 + 15 + 30 = 55. Confidence 0.65 (a down trend agrees with bullish absorption).
    expect(signalAtLastBar(downtrendHistory().bar(base).build(), "bull")).toMatchObject({
      type: "ABSORPTION",
      bias: "bull",
      score: 55,
      confidence: 0.65,
    });
    expect(signalAtLastBar(downtrendHistory().bar(base).build(), "bear")).toBeUndefined();
  });

  it("is bearish in an up trend", () => {
    expect(signalAtLastBar(uptrendHistory().bar(base).build(), "bear")).toMatchObject({
      type: "ABSORPTION",
      bias: "bear",
      score: 55,
      confidence: 0.65,
    });
    expect(signalAtLastBar(uptrendHistory().bar(base).build(), "bull")).toBeUndefined();
  });

  it("is never read in a flat trend", () => {
    expect(signalTypeAtLastBar(flatHistory().bar(base).build(), "bull")).toBe(null);
    expect(signalTypeAtLastBar(flatHistory().bar(base).build(), "bear")).toBe(null);
  });

  const cases: [string, typeof base, boolean][] = [
    ["vr exactly 1.5", { ...base, volume: 1_500 }, true],
    ["vr 1.499", { ...base, volume: 1_499 }, false],
    ["sr 0.69", { high: 10_035, low: 9_966, close: 10_000, volume: 2_000 }, true],
    ["sr exactly 0.7 (must be below)", { high: 10_035, low: 9_965, close: 10_000, volume: 2_000 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(downtrendHistory().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("ABSORPTION");
    else expect(type).not.toBe("ABSORPTION");
  });
});
