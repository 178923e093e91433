import { describe, expect, it } from "vitest";
import { flatHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

/**
 * Flat history (bars 0..59), a quiet SPRING at bar 60 (9900–10050, close 10020, volume 800),
 * then `flatBars` regular bars at 10000; the two last of them get volumes 1200 and 1100.
 * For the next bar t = 72 (flatBars 11): avg volume (16·1000 + 800 + 700 + 1200 + 1100)/20 = 990,
 * avg spread (19·100 + 150)/20 = 102.5, previous low 9950, trend flat.
 */
const afterSpring = (flatBars = 11) =>
  flatHistory()
    .bar({ high: 10_050, low: 9_900, close: 10_020, volume: 800 })
    .flat(flatBars, { endClose: 10_000, spread: 100, volume: 1_000 })
    .withRecentVolumes([1_200, 1_100]);
const base = { high: 10_000, low: 9_940, close: 10_000, volume: 800 }; // cl 1, sr 0.585, under the previous low

describe("TEST", () => {
  it("fires after a bullish event on a quiet dip that closes high, with the hand-computed score", () => {
    const bars = afterSpring().bar(base).build();
    expect(signalAtLastBar(bars.slice(0, 61), "bull")?.type).toBe("SPRING"); // the setup really is a SPRING
    // By hand: sv (800/1100 − 1)/(0.5 − 1) = 0.5455; ss (60/102.5 − 0.7)/(0.3 − 0.7) = 0.2866; sc 1;
    // context 0.85 → 0.85 × (21.82 + 8.60 + 30) = 51.35 → 51. Confidence 0.5 + 0.15 (the SPRING) = 0.65.
    expect(signalAtLastBar(bars, "bull")).toMatchObject({
      type: "TEST",
      score: 51,
      confidence: 0.65,
      priority: "LOW",
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["low one tick under the previous low", { ...base, low: 9_949 }, true],
    ["low equal to the previous low", { ...base, low: 9_950 }, false],
    ["cl exactly 2/3", { ...base, close: 9_980 }, true],
    ["cl 0.65", { ...base, close: 9_979 }, false],
    ["volume one under the previous bar", { ...base, volume: 1_099 }, true],
    ["volume equal to the previous bar", { ...base, volume: 1_100 }, false],
    ["sr 0.995", { high: 10_002, low: 9_900, close: 10_002, volume: 800 }, true],
    ["sr exactly 1.0 (must be below)", { high: 10_002.5, low: 9_900, close: 10_002.5, volume: 800 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(afterSpring().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("TEST");
    else expect(type).not.toBe("TEST");
  });

  it("needs a bull signal in bars t-20 .. t-1: 20 bars back counts, 21 does not", () => {
    expect(signalTypeAtLastBar(afterSpring(19).bar(base).build(), "bull")).toBe("TEST"); // SPRING at t-20
    // SPRING at t-21: no TEST. (The old spring's low has left the support window too, so this very
    // bar now dips under the 20-bar low and closes inside: it is itself a SPRING.)
    expect(signalTypeAtLastBar(afterSpring(20).bar(base).build(), "bull")).toBe("SPRING");
  });

  it("does not count an earlier TEST as the setup", () => {
    // SPRING at 60, TEST at 72, then a TEST-like bar at 83: the SPRING is 23 bars back, the TEST 11.
    const bars = afterSpring()
      .bar(base)
      .flat(10, { endClose: 10_000, spread: 100, volume: 1_000 })
      .withRecentVolumes([1_200, 1_100])
      .bar(base)
      .build();
    expect(signalAtLastBar(bars.slice(0, 73), "bull")?.type).toBe("TEST");
    expect(signalTypeAtLastBar(bars, "bull")).toBe(null);
  });
});
