import { describe, expect, it } from "vitest";
import { flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Uptrend history: avg volume 1000, avg spread 100, resistance 10050, trend up (see histories.ts).
const base = { high: 10_200, low: 9_950, close: 10_050, volume: 3_000 }; // vr 3, sr 2.5, cl 0.4

describe("BUYING_CLIMAX", () => {
  it("fires on a wide ultra-volume bar over resistance closing off its high, with the hand-computed score", () => {
    // By hand: sv 0.5, ss 0.667, sc (0.5−0.4)/0.5 = 0.2 → 20 + 20 + 6 = 46; confidence 0.65 (trend agrees).
    expect(signalAtLastBar(uptrendHistory().bar(base).build(), "bear")).toMatchObject({
      type: "BUYING_CLIMAX",
      bias: "bear",
      score: 46,
      confidence: 0.65,
      priority: "LOW",
      features: { vr: 3, sr: 2.5, cl: 0.4, trend: "up" },
      priceChange: 0.005,
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["vr exactly 2.0", { ...base, volume: 2_000 }, true],
    ["vr 1.999", { ...base, volume: 1_999 }, false],
    ["sr exactly 1.5", { high: 10_100, low: 9_950, close: 10_025, volume: 3_000 }, true],
    ["sr 1.49", { high: 10_100, low: 9_951, close: 10_025, volume: 3_000 }, false],
    ["high one tick over resistance", { high: 10_051, low: 9_801, close: 9_901, volume: 3_000 }, true],
    ["high equal to resistance", { high: 10_050, low: 9_800, close: 9_900, volume: 3_000 }, false],
    ["cl exactly 0.5", { ...base, close: 10_075 }, true],
    ["cl 0.504", { ...base, close: 10_076 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(uptrendHistory().bar(bar).build(), "bear");
    if (fires) expect(type).toBe("BUYING_CLIMAX");
    else expect(type).not.toBe("BUYING_CLIMAX");
  });

  it("needs an up trend", () => {
    expect(signalTypeAtLastBar(flatHistory().bar(base).build(), "bear")).not.toBe("BUYING_CLIMAX");
  });
});
