import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

const quiet = (history: ReturnType<typeof flatHistory>) => history.withRecentVolumes([1_200, 1_100]);
const base = { high: 10_030, low: 9_970, close: 9_995, volume: 800 }; // down bar, sr 0.6, cl 0.4167

describe("NO_SUPPLY", () => {
  it("fires on a narrow down bar on less volume than the two previous bars, with the hand-computed score", () => {
    // By hand: sv 0.5455, ss 0.25, sc = (0.4167 − 1/3)/(1 − 1/3) = 0.125, context 0.85 → 28.11 → 28.
    expect(signalAtLastBar(quiet(flatHistory()).bar(base).build(), "bull")).toMatchObject({
      type: "NO_SUPPLY",
      score: 28,
      confidence: 0.5,
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["close one tick lower (down bar)", { ...base, close: 9_999 }, true],
    ["unchanged close (not a down bar)", { ...base, close: 10_000 }, false],
    ["sr 0.69", { high: 10_035, low: 9_966, close: 9_995, volume: 800 }, true],
    ["sr exactly 0.7 (must be below)", { high: 10_035, low: 9_965, close: 9_995, volume: 800 }, false],
    ["volume one under the previous bar", { ...base, volume: 1_099 }, true],
    ["volume equal to the previous bar", { ...base, volume: 1_100 }, false],
    ["cl 0.35", { ...base, close: 9_991 }, true],
    ["cl exactly 1/3 (must be above)", { ...base, close: 9_990 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(quiet(flatHistory()).bar(bar).build(), "bull");
    if (fires) expect(type).toBe("NO_SUPPLY");
    else expect(type).not.toBe("NO_SUPPLY");
  });

  it("is not read in an up trend; agrees with a down trend", () => {
    expect(signalTypeAtLastBar(quiet(uptrendHistory()).bar(base).build(), "bull")).not.toBe("NO_SUPPLY");
    expect(signalAtLastBar(quiet(downtrendHistory()).bar(base).build(), "bull")).toMatchObject({
      type: "NO_SUPPLY",
      score: 33,
      confidence: 0.65,
    });
  });

  it("reads a degenerate bar (high == low) with cl 0.5 and flags it", () => {
    // sr 0 → ss 1; cl 0.5 → sc (0.5 − 1/3)/(2/3) = 0.25; sv 0.5455 → 0.85 × (21.82 + 30 + 7.5) = 50.42 → 50.
    expect(
      signalAtLastBar(
        quiet(flatHistory()).bar({ high: 9_990, low: 9_990, close: 9_990, volume: 800 }).build(),
        "bull",
      ),
    ).toMatchObject({
      type: "NO_SUPPLY",
      score: 50,
      features: { sr: 0, cl: 0.5, degenerate: true },
    });
  });
});
