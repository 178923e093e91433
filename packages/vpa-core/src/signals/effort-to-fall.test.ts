import { describe, expect, it } from "vitest";
import { flatHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

/** As in effort-to-rise.test.ts: the previous bar is 9900–10100 (close 10000); avg spread 105, avg volume 1000. */
const history = () => flatHistory(59).bar({ high: 10_100, low: 9_900, close: 10_000, volume: 1_000 });
const base = { high: 10_050, low: 9_840, close: 9_871.5, volume: 1_200 }; // sr 2, cl 0.15, vr 1.2

describe("EFFORT_TO_FALL", () => {
  it("fires on a wide lower-high lower-low down bar closing low on rising volume, with the hand-computed score", () => {
    // By hand: sv 0, ss (2−1)/1.5 = 0.667, sc (0.15−0.3)/(0−0.3) = 0.5, context 0.85 → 0.85 × 35 = 29.75 → 30.
    expect(signalAtLastBar(history().bar(base).build(), "bear")).toMatchObject({
      type: "EFFORT_TO_FALL",
      bias: "bear",
      score: 30,
      confidence: 0.5,
      features: { vr: 1.2, sr: 2, cl: 0.15, trend: "flat" },
    });
  });

  const cases: [string, typeof base, boolean][] = [
    [
      "high one tick under the previous high",
      { high: 10_099, low: 9_899, close: 9_950, volume: 1_200 },
      true,
    ],
    ["high equal to the previous high", { high: 10_100, low: 9_899, close: 9_950, volume: 1_200 }, false],
    ["low one tick under the previous low", { high: 10_050, low: 9_899, close: 9_930, volume: 1_200 }, true],
    ["low equal to the previous low", { high: 10_050, low: 9_900, close: 9_930, volume: 1_200 }, false],
    ["cl exactly 0.3", { ...base, close: 9_903 }, true],
    ["cl 0.305", { ...base, close: 9_904 }, false],
    ["sr exactly 1.0", { high: 10_004, low: 9_899, close: 9_920, volume: 1_200 }, true],
    ["sr 0.99", { high: 10_003, low: 9_899, close: 9_920, volume: 1_200 }, false],
    ["vr exactly 1.2", base, true],
    ["vr 1.199", { ...base, volume: 1_199 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(history().bar(bar).build(), "bear");
    if (fires) expect(type).toBe("EFFORT_TO_FALL");
    else expect(type).not.toBe("EFFORT_TO_FALL");
  });

  it("needs more volume than the previous bar", () => {
    const withBusyPrevious = () => history().withRecentVolumes([1_500]);
    expect(
      signalTypeAtLastBar(
        withBusyPrevious()
          .bar({ ...base, volume: 1_501 })
          .build(),
        "bear",
      ),
    ).toBe("EFFORT_TO_FALL");
    expect(
      signalTypeAtLastBar(
        withBusyPrevious()
          .bar({ ...base, volume: 1_500 })
          .build(),
        "bear",
      ),
    ).not.toBe("EFFORT_TO_FALL");
  });
});
