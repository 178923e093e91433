import { describe, expect, it } from "vitest";
import { flatHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

/**
 * Flat history whose last bar is wider than average (9900–10100, close 10000), so a bar can sit
 * inside its high or low and still be wide: avg spread (19·100 + 200)/20 = 105, avg volume 1000.
 */
const history = () => flatHistory(59).bar({ high: 10_100, low: 9_900, close: 10_000, volume: 1_000 });
const base = { high: 10_160, low: 9_950, close: 10_128.5, volume: 1_200 }; // sr 2, cl 0.85, vr 1.2

describe("EFFORT_TO_RISE", () => {
  it("fires on a wide higher-high higher-low up bar closing high on rising volume, with the hand-computed score", () => {
    // By hand: sv = (1.2−1.2)/1.8 = 0, ss = (2−1)/1.5 = 0.667, sc = (0.85−0.7)/0.3 = 0.5, context 0.85
    // → 0.85 × (0 + 20 + 15) = 29.75 → 30. Confidence 0.5 (flat).
    expect(signalAtLastBar(history().bar(base).build(), "bull")).toMatchObject({
      type: "EFFORT_TO_RISE",
      score: 30,
      confidence: 0.5,
      features: { vr: 1.2, sr: 2, cl: 0.85, trend: "flat" },
    });
  });

  const cases: [string, typeof base, boolean][] = [
    [
      "high one tick over the previous high",
      { high: 10_101, low: 9_990, close: 10_090, volume: 1_200 },
      true,
    ],
    ["high equal to the previous high", { high: 10_100, low: 9_990, close: 10_090, volume: 1_200 }, false],
    ["low one tick over the previous low", { high: 10_160, low: 9_901, close: 10_130, volume: 1_200 }, true],
    ["low equal to the previous low", { high: 10_160, low: 9_900, close: 10_130, volume: 1_200 }, false],
    ["cl exactly 0.7", { ...base, close: 10_097 }, true],
    ["cl 0.695", { ...base, close: 10_096 }, false],
    ["sr exactly 1.0", { high: 10_101, low: 9_996, close: 10_080, volume: 1_200 }, true],
    ["sr 0.99", { high: 10_101, low: 9_997, close: 10_080, volume: 1_200 }, false],
    ["vr exactly 1.2", base, true],
    ["vr 1.199", { ...base, volume: 1_199 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(history().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("EFFORT_TO_RISE");
    else expect(type).not.toBe("EFFORT_TO_RISE");
  });

  it("needs more volume than the previous bar", () => {
    // Previous bar volume 1500 (the bar before it compensates, the average stays 1000).
    const withBusyPrevious = () => history().withRecentVolumes([1_500]);
    expect(
      signalTypeAtLastBar(
        withBusyPrevious()
          .bar({ ...base, volume: 1_501 })
          .build(),
        "bull",
      ),
    ).toBe("EFFORT_TO_RISE");
    expect(
      signalTypeAtLastBar(
        withBusyPrevious()
          .bar({ ...base, volume: 1_500 })
          .build(),
        "bull",
      ),
    ).not.toBe("EFFORT_TO_RISE");
  });

  // "Up bar" cannot be missed alone here: a higher low with a close in the top 30% of a range at
  // least as wide as the previous bar's always closes higher. The equal-close rule itself is
  // tested in analysis/bar-features.test.ts.
});
