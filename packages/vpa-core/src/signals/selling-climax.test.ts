import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Downtrend history: avg volume 1000, avg spread 100, support 9950, trend down (see histories.ts).
const base = { high: 10_050, low: 9_800, close: 9_950, volume: 3_000 }; // vr 3, sr 2.5, cl 0.6

describe("SELLING_CLIMAX", () => {
  it("fires on a wide ultra-volume bar under support closing in its upper half, with the hand-computed score", () => {
    const record = signalAtLastBar(downtrendHistory().bar(base).build(), "bull");
    // By hand: sv = (3−2)/(4−2) = 0.5, ss = (2.5−1.5)/1.5 = 0.667, sc = (0.6−0.5)/0.5 = 0.2, context 1
    // → 40·0.5 + 30·0.667 + 30·0.2 = 20 + 20 + 6 = 46. Confidence 0.5 + 0.15 (trend agrees) = 0.65.
    expect(record).toMatchObject({
      type: "SELLING_CLIMAX",
      bias: "bull",
      score: 46,
      confidence: 0.65,
      priority: "LOW",
      variant: null,
      features: { vr: 3, sr: 2.5, cl: 0.6, trend: "down", degenerate: false },
      close: 9_950,
      volume: 3_000,
      priceChange: -0.005,
    });
  });

  it("scores an extreme climax HIGH", () => {
    // sv 1 (vr 4), ss 1 (sr 4.5 ≥ 3), sc (0.889−0.5)/0.5 = 0.778 → 40 + 30 + 23.3 = 93; confidence 0.65 → HIGH.
    const record = signalAtLastBar(
      downtrendHistory().bar({ high: 10_050, low: 9_600, close: 10_000, volume: 4_000 }).build(),
      "bull",
    );
    expect(record).toMatchObject({ type: "SELLING_CLIMAX", score: 93, confidence: 0.65, priority: "HIGH" });
  });

  const cases: [string, typeof base, boolean][] = [
    ["vr exactly 2.0", { ...base, volume: 2_000 }, true],
    ["vr 1.999", { ...base, volume: 1_999 }, false],
    ["sr exactly 1.5", { high: 10_000, low: 9_850, close: 9_925, volume: 3_000 }, true],
    ["sr 1.49", { high: 10_000, low: 9_851, close: 9_926, volume: 3_000 }, false],
    ["low one tick under support", { high: 10_199, low: 9_949, close: 10_100, volume: 3_000 }, true],
    ["low equal to support", { high: 10_200, low: 9_950, close: 10_100, volume: 3_000 }, false],
    ["cl exactly 0.5", { ...base, close: 9_925 }, true],
    ["cl 0.496", { ...base, close: 9_924 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(downtrendHistory().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("SELLING_CLIMAX");
    else expect(type).not.toBe("SELLING_CLIMAX");
  });

  it("needs a down trend", () => {
    expect(signalTypeAtLastBar(flatHistory().bar(base).build(), "bull")).not.toBe("SELLING_CLIMAX");
  });

  it("uses a strict ±0.5 ATR trend threshold: 0.5 is flat, 0.6 is down", () => {
    // step 5 → sma10 falls 50 over 10 bars, ATR 100 → −0.5 (flat); step 6 → −0.6 (down).
    const history = (step: number) =>
      downtrendHistory().trend("down", 40, { endClose: 10_000, spread: 100, volume: 1000, step });
    expect(signalTypeAtLastBar(history(5).bar(base).build(), "bull")).not.toBe("SELLING_CLIMAX");
    expect(signalTypeAtLastBar(history(6).bar(base).build(), "bull")).toBe("SELLING_CLIMAX");
  });
});
