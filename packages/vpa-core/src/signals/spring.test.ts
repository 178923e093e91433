import { describe, expect, it } from "vitest";
import { downtrendHistory, flatHistory, uptrendHistory } from "../../test/support/histories.ts";
import { signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";

// Flat history: support 9950, ATR 100, avg volume 1000, trend flat (see histories.ts).
const base = { high: 10_050, low: 9_900, close: 10_020, volume: 800 }; // cl 0.8, vr 0.8, 50 under support

describe("SPRING", () => {
  it("fires on a dip under support that closes back inside, with the hand-computed score", () => {
    // By hand: quiet spring sv = (0.8−1)/(0.5−1) = 0.4; ss = penetration 50 / ATR 100 = 0.5;
    // sc = (0.8−0.6)/0.4 = 0.5; context 0.85 (flat) → 0.85 × (16 + 15 + 15) = 39.1 → 39.
    // Confidence 0.5 (flat trend does not agree with SPRING's `down`).
    expect(signalAtLastBar(flatHistory().bar(base).build(), "bull")).toMatchObject({
      type: "SPRING",
      variant: "spring",
      score: 39,
      confidence: 0.5,
      features: { vr: 0.8, sr: 1.5, cl: 0.8, trend: "flat" },
    });
  });

  it("is a shakeout from vr 1.5 (scored on the high-volume scale), a spring below", () => {
    expect(
      signalAtLastBar(
        flatHistory()
          .bar({ ...base, volume: 1_500 })
          .build(),
        "bull",
      )?.variant,
    ).toBe("shakeout");
    expect(
      signalAtLastBar(
        flatHistory()
          .bar({ ...base, volume: 1_499 })
          .build(),
        "bull",
      )?.variant,
    ).toBe("spring");
    // vr 1.8: sv = (1.8−1.5)/(3−1.5) = 0.2 → 0.85 × (8 + 15 + 15) = 32.3 → 32.
    expect(
      signalAtLastBar(
        flatHistory()
          .bar({ ...base, volume: 1_800 })
          .build(),
        "bull",
      ),
    ).toMatchObject({
      variant: "shakeout",
      score: 32,
    });
  });

  const cases: [string, typeof base, boolean][] = [
    ["low one tick under support", { high: 10_050, low: 9_949, close: 10_020, volume: 800 }, true],
    ["low equal to support", { high: 10_050, low: 9_950, close: 10_020, volume: 800 }, false],
    ["close exactly at support", { high: 9_975, low: 9_900, close: 9_950, volume: 800 }, true],
    ["close one tick under support", { high: 9_975, low: 9_900, close: 9_949, volume: 800 }, false],
    ["cl exactly 0.6", { ...base, close: 9_990 }, true],
    ["cl 0.593", { ...base, close: 9_989 }, false],
  ];
  it.each(cases)("%s → fires: %s", (_name, bar, fires) => {
    const type = signalTypeAtLastBar(flatHistory().bar(bar).build(), "bull");
    if (fires) expect(type).toBe("SPRING");
    else expect(type).not.toBe("SPRING");
  });

  it("is not read in an up trend, but is in a down trend", () => {
    // Uptrend support is 9475; downtrend support 9950. Same bar: low 9400, close 9900 (cl 0.83).
    const bar = { high: 10_000, low: 9_400, close: 9_900, volume: 1_000 };
    expect(signalTypeAtLastBar(uptrendHistory().bar(bar).build(), "bull")).not.toBe("SPRING");
    expect(
      signalTypeAtLastBar(
        downtrendHistory()
          .bar({ ...bar, close: 9_950 })
          .build(),
        "bull",
      ),
    ).toBe("SPRING");
  });
});
