import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Volumes of the two previous bars 1200 and 1100 (the bar before compensates: avg volume stays 1000).
const quiet = (history: ReturnType<typeof flatHistory>) => history.withRecentVolumes([1_200, 1_100]);
const base = { high: 10_030, low: 9_970, close: 10_005, volume: 800 }; // up bar, sr 0.6, cl 0.583

describe("NO_DEMAND", () => {
  it("fires on a narrow up bar on less volume than the two previous bars, with the hand-computed score", () => {
    // By hand: sv = (800/1100 − 1)/(0.5 − 1) = 0.5455, ss = (0.6−0.7)/(0.3−0.7) = 0.25,
    // sc = (0.5833 − 2/3)/(0 − 2/3) = 0.125, context 0.85 → 0.85 × (21.82 + 7.5 + 3.75) = 28.11 → 28.
    expect(signalAtLastBar(quiet(flatHistory()).bar(base).build(), "bear")).toMatchObject({
      type: "NO_DEMAND",
      score: 28,
      confidence: 0.5,
      features: { vr: 0.8, sr: 0.6, cl: 0.5833, trend: "flat" },
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["close one tick higher (up bar)", { ...base, close: 10_001 }, true],
    ["unchanged close (not an up bar)", { ...base, close: 10_000 }, false],
    ["sr 0.69", { high: 10_035, low: 9_966, close: 10_005, volume: 800 }, true],
    ["sr exactly 0.7 (must be below)", { high: 10_035, low: 9_965, close: 10_005, volume: 800 }, false],
    ["volume one under the previous bar", { ...base, volume: 1_099 }, true],
    ["volume equal to the previous bar", { ...base, volume: 1_100 }, false],
    ["cl 0.65", { high: 10_031, low: 9_971, close: 10_010, volume: 800 }, true],
    ["cl exactly 2/3 (must be below)", { ...base, close: 10_010 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(quiet(flatHistory()).bar(bar).build(), "bear");
    if (fires) expect(type).toBe("NO_DEMAND");
    else expect(type).not.toBe("NO_DEMAND");
  });

  it("compares with both previous bars (volume[t-2] too)", () => {
    const history = () => flatHistory().withRecentVolumes([1_100, 1_200]);
    expect(
      signalTypeAtLastBar(
        history()
          .bar({ ...base, volume: 1_099 })
          .build(),
        "bear",
      ),
    ).toBe("NO_DEMAND");
    expect(
      signalTypeAtLastBar(
        history()
          .bar({ ...base, volume: 1_100 })
          .build(),
        "bear",
      ),
    ).not.toBe("NO_DEMAND");
  });

  it("is not read in a down trend; agrees with an up trend", () => {
    expect(signalTypeAtLastBar(quiet(downtrendHistory()).bar(base).build(), "bear")).not.toBe("NO_DEMAND");
    // Up trend: context 1 → 21.82 + 7.5 + 3.75 = 33.07 → 33; confidence 0.65.
    expect(signalAtLastBar(quiet(uptrendHistory()).bar(base).build(), "bear")).toMatchObject({
      type: "NO_DEMAND",
      score: 33,
      confidence: 0.65,
    });
  });
});
