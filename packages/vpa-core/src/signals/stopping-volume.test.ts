import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Downtrend history: min(low[t-4..t-1]) = support = 9950, avg volume 1000, avg spread 100 (see histories.ts).
const base = { high: 10_050, low: 9_950, close: 10_000, volume: 1_500 }; // vr 1.5, sr 1, cl 0.5

describe("STOPPING_VOLUME", () => {
  it("fires on high volume at the 4-bar low in a down trend, with the hand-computed score", () => {
    // By hand: sv = 0, ss = (1−0.7)/1.3 = 0.2308, sc = (0.5−0.4)/0.6 = 0.1667 → 6.92 + 5 = 11.92 → 12.
    // Confidence 0.65 (trend agrees).
    expect(signalAtLastBar(downtrendHistory().bar(base).build(), "bull")).toMatchObject({
      type: "STOPPING_VOLUME",
      score: 12,
      confidence: 0.65,
      features: { vr: 1.5, sr: 1, cl: 0.5, trend: "down" },
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["low equal to the 4-bar low", base, true],
    ["low one tick above the 4-bar low", { high: 10_051, low: 9_951, close: 10_001, volume: 1_500 }, false],
    ["vr exactly 1.5", base, true],
    ["vr 1.499", { ...base, volume: 1_499 }, false],
    ["cl exactly 0.4", { ...base, close: 9_990 }, true],
    ["cl 0.39", { ...base, close: 9_989 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(downtrendHistory().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("STOPPING_VOLUME");
    else expect(type).not.toBe("STOPPING_VOLUME");
  });

  it("needs a down trend", () => {
    expect(signalTypeAtLastBar(flatHistory().bar(base).build(), "bull")).not.toBe("STOPPING_VOLUME");
  });
});
