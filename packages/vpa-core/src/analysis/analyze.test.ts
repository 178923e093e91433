import { describe, expect, it } from "vitest";
import type { BarSequence } from "../../test/support/bar-sequence.ts";
import { downtrendHistory, flatHistory, REGULAR, uptrendHistory } from "../../test/support/histories.ts";
import { recordsAtLastBar, signalAtLastBar, signalTypeAtLastBar } from "../../test/support/records-at.ts";
import type { BarColumns } from "../bar.ts";
import type { ConfirmationRecord } from "../vpa-record.ts";
import { analyze, analyzeColumns } from "./analyze.ts";

const sellingClimax = { high: 10_050, low: 9_800, close: 9_950, volume: 3_000 }; // see selling-climax.test.ts
const buyingClimax = { high: 10_200, low: 9_950, close: 10_050, volume: 3_000 }; // see buying-climax.test.ts

describe("warm-up (§2)", () => {
  it("emits nothing before bar index 40 and signals from index 40", () => {
    expect(signalTypeAtLastBar(downtrendHistory(39).bar(sellingClimax).build(), "bull")).toBe(null); // t = 39
    expect(signalTypeAtLastBar(downtrendHistory(40).bar(sellingClimax).build(), "bull")).toBe(
      "SELLING_CLIMAX",
    ); // t = 40
  });

  it("emits nothing at all for a series shorter than the warm-up", () => {
    expect(analyze("TST", downtrendHistory(30).bar(sellingClimax).build())).toEqual([]);
    expect(analyze("TST", [])).toEqual([]);
  });
});

describe("confidence (§5)", () => {
  it("loses 0.2 while the series has fewer than 60 bars before t", () => {
    // 0.5 + 0.15 (trend agrees) − 0.2 = 0.45 at t = 59; 0.65 at t = 60.
    expect(signalAtLastBar(downtrendHistory(59).bar(sellingClimax).build(), "bull")?.confidence).toBe(0.45);
    expect(signalAtLastBar(downtrendHistory(60).bar(sellingClimax).build(), "bull")?.confidence).toBe(0.65);
  });

  it("loses 0.2 when one of the prior 20 bars has zero volume (t-20 counts, t-21 does not)", () => {
    // UPTHRUST in a flat history: 0.5 without bonus. Zero volume 20 bars back → 0.3; 21 back → 0.5.
    const upthrust = { high: 10_100, low: 9_950, close: 9_980, volume: 1_000 };
    expect(
      signalAtLastBar(flatHistory().withVolumeBarsBack(20, 0).bar(upthrust).build(), "bear")?.confidence,
    ).toBe(0.3);
    expect(
      signalAtLastBar(flatHistory().withVolumeBarsBack(21, 0).bar(upthrust).build(), "bear")?.confidence,
    ).toBe(0.5);
  });

  it("counts the −0.2 once when both conditions hold", () => {
    const upthrust = { high: 10_100, low: 9_950, close: 9_980, volume: 1_000 };
    expect(
      signalAtLastBar(flatHistory(45).withVolumeBarsBack(1, 0).bar(upthrust).build(), "bear")?.confidence,
    ).toBe(0.3);
  });

  it("adds 0.15 for another signal of the same bias in the prior 20 bars, and clamps at 0.8", () => {
    // A selling climax at 60, then 5 down bars and another at 66: 0.5 + 0.15 + 0.15 = 0.8 (clamp is a no-op here,
    // the sum must still print as 0.8, not 0.8000000000000002).
    const bars = downtrendHistory()
      .bar(sellingClimax)
      .trend("down", 5, { ...REGULAR, endClose: 9_825 })
      .bar({ high: 9_875, low: 9_500, close: 9_800, volume: 4_000 })
      .build();
    const record = signalAtLastBar(bars, "bull");
    expect(record?.type).toBe("SELLING_CLIMAX");
    expect(record?.confidence).toBe(0.8);
  });
});

describe("one signal per bias per bar, in priority order (§3)", () => {
  it("SELLING_CLIMAX > SPRING > STOPPING_VOLUME", () => {
    // The climax bar also matches SPRING (cl 0.6) and STOPPING_VOLUME.
    expect(signalTypeAtLastBar(downtrendHistory().bar(sellingClimax).build(), "bull")).toBe("SELLING_CLIMAX");
    // vr 1.999: no climax → SPRING.
    expect(
      signalTypeAtLastBar(
        downtrendHistory()
          .bar({ ...sellingClimax, volume: 1_999 })
          .build(),
        "bull",
      ),
    ).toBe("SPRING");
    // ... and cl 0.5: no spring either → STOPPING_VOLUME.
    expect(
      signalTypeAtLastBar(
        downtrendHistory()
          .bar({ ...sellingClimax, volume: 1_999, close: 9_925 })
          .build(),
        "bull",
      ),
    ).toBe("STOPPING_VOLUME");
  });

  it("BUYING_CLIMAX > UPTHRUST", () => {
    expect(signalTypeAtLastBar(uptrendHistory().bar(buyingClimax).build(), "bear")).toBe("BUYING_CLIMAX");
    expect(
      signalTypeAtLastBar(
        uptrendHistory()
          .bar({ ...buyingClimax, volume: 1_999 })
          .build(),
        "bear",
      ),
    ).toBe("UPTHRUST");
  });

  it("NO_SUPPLY > bullish ABSORPTION and NO_DEMAND > bearish ABSORPTION", () => {
    // Two busy bars (5000) before: avg volume (18·1000 + 10000)/20 = 1400, so 3000 is vr 2.14 and still lowVs2.
    const busy = (history: BarSequence) => history.withRecentVolumes([5_000, 5_000], { keepAverage: false });
    const noSupply = { high: 10_025, low: 9_975, close: 9_995, volume: 3_000 };
    expect(signalTypeAtLastBar(busy(downtrendHistory()).bar(noSupply).build(), "bull")).toBe("NO_SUPPLY");
    expect(
      signalTypeAtLastBar(
        busy(downtrendHistory())
          .bar({ ...noSupply, volume: 5_000 })
          .build(),
        "bull",
      ),
    ).toBe("ABSORPTION");
    const noDemand = { high: 10_025, low: 9_975, close: 10_005, volume: 3_000 };
    expect(signalTypeAtLastBar(busy(uptrendHistory()).bar(noDemand).build(), "bear")).toBe("NO_DEMAND");
    expect(
      signalTypeAtLastBar(
        busy(uptrendHistory())
          .bar({ ...noDemand, volume: 5_000 })
          .build(),
        "bear",
      ),
    ).toBe("ABSORPTION");
  });

  it("TEST > NO_SUPPLY", () => {
    const bars = flatHistory()
      .bar({ high: 10_050, low: 9_900, close: 10_020, volume: 800 }) // SPRING
      .flat(11, { endClose: 10_000, spread: 100, volume: 1_000 })
      .withRecentVolumes([1_200, 1_100])
      .bar({ high: 9_999, low: 9_939, close: 9_999, volume: 800 }) // also a narrow quiet down bar
      .build();
    expect(signalTypeAtLastBar(bars, "bull")).toBe("TEST");
  });

  it("emits one bull and one bear signal at the same bar, bull first", () => {
    // Up trend; EFFORT_TO_RISE at 60 is the TEST setup; two busy bars; then a quiet dip that closes
    // high (TEST, bull) on a narrow bar with vr 2.1 in an up trend (ABSORPTION, bear).
    const bars = uptrendHistory()
      .bar({ high: 10_160, low: 9_960, close: 10_130, volume: 1_500 })
      .trend("up", 10, { ...REGULAR, endClose: 10_380 })
      .withRecentVolumes([5_000, 5_000], { keepAverage: false })
      .bar({ high: 10_380, low: 10_320, close: 10_370, volume: 3_000 })
      .build();
    expect(signalAtLastBar(bars.slice(0, 61), "bull")?.type).toBe("EFFORT_TO_RISE");
    const records = recordsAtLastBar(bars);
    expect(records.map((r) => [r.kind, r.type, r.bias])).toEqual([
      ["signal", "TEST", "bull"],
      ["signal", "ABSORPTION", "bear"],
    ]);
  });
});

describe("confirmation (§6)", () => {
  const afterClimax = (nextClose: number) =>
    downtrendHistory()
      .bar(sellingClimax)
      .bar({
        high: Math.max(nextClose, 9_900) + 10,
        low: Math.min(nextClose, 9_900) - 10,
        close: nextClose,
        volume: 1_000,
      })
      .build();
  const confirmationOf = (bars: ReturnType<typeof afterClimax>) =>
    recordsAtLastBar(bars).find((r): r is ConfirmationRecord => r.kind === "confirmation");

  it("confirms a bull signal when the next close is higher: its own record, dated t+1, confidence + 0.2", () => {
    const bars = afterClimax(9_951);
    expect(confirmationOf(bars)).toEqual({
      kind: "confirmation",
      symbol: "TST",
      time: bars[61]!.time,
      refTime: bars[60]!.time,
      type: "SELLING_CLIMAX",
      bias: "bull",
      outcome: "confirmed",
      confidence: 0.85,
    });
  });

  it("fails a bull signal when the next close is below the signal bar's low (confidence 0)", () => {
    expect(confirmationOf(afterClimax(9_799))).toMatchObject({ outcome: "failed", confidence: 0 });
  });

  it("emits nothing when the next bar does neither (unchanged close, or a close between low and close)", () => {
    expect(confirmationOf(afterClimax(9_950))).toBeUndefined();
    expect(confirmationOf(afterClimax(9_800))).toBeUndefined();
  });

  it("mirrors for a bear signal: lower close confirms, a close above the high fails", () => {
    const after = (nextClose: number) =>
      recordsAtLastBar(
        uptrendHistory()
          .bar(buyingClimax)
          .bar({ high: nextClose + 10, low: nextClose - 10, close: nextClose, volume: 1_000 })
          .build(),
      ).find((r) => r.kind === "confirmation");
    expect(after(10_049)).toMatchObject({
      type: "BUYING_CLIMAX",
      bias: "bear",
      outcome: "confirmed",
      confidence: 0.85,
    });
    expect(after(10_050)).toBeUndefined();
    expect(after(10_200)).toBeUndefined();
    expect(after(10_201)).toMatchObject({ outcome: "failed", confidence: 0 });
  });

  it("never rewrites the signal record, and dates the confirmation before the next bar's own signals", () => {
    // Climax at 60, a second climax at 61 that also confirms the first (close 9951 > 9950? no: lower
    // low, close 9960 > 9950 → confirmed).
    const bars = downtrendHistory()
      .bar(sellingClimax)
      .bar({ high: 10_000, low: 9_500, close: 9_960, volume: 4_000 })
      .build();
    const records = analyze("TST", bars);
    const signal60 = records.find((r) => r.time === bars[60]!.time);
    expect(signal60).toMatchObject({ kind: "signal", confidence: 0.65 });
    expect(recordsAtLastBar(bars).map((r) => r.kind)).toEqual(["confirmation", "signal"]);
  });
});

describe("record shape (§9)", () => {
  it("serialises with the spec's fields first, rounded features and priceChange", () => {
    const record = signalAtLastBar(
      downtrendHistory()
        .bar({ ...sellingClimax, volume: 2_345.67 })
        .build(),
      "bull",
    );
    expect(Object.keys(record ?? {})).toEqual([
      "kind",
      "symbol",
      "time",
      "type",
      "bias",
      "score",
      "confidence",
      "priority",
      "variant",
      "features",
      "close",
      "volume",
      "priceChange",
    ]);
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      kind: "signal",
      symbol: "TST",
      time: "2020-03-01",
      type: "SELLING_CLIMAX",
      bias: "bull",
      score: 33, // by hand: sv (2.34567 − 2)/2 = 0.1728 → 6.91; ss 20; sc 6 → 32.91 → 33
      confidence: 0.65,
      priority: "LOW",
      variant: null,
      features: { vr: 2.3457, sr: 2.5, cl: 0.6, trend: "down", degenerate: false }, // vr 2.34567 → 4 decimals
      close: 9_950,
      volume: 2_345.67,
      priceChange: -0.005,
    });
  });
});

describe("analyzeColumns", () => {
  it("returns the same records as analyze", () => {
    const bars = downtrendHistory().bar(sellingClimax).flat(3).build();
    const columns: BarColumns = {
      time: bars.map((b) => b.time),
      open: Float64Array.from(bars, (b) => b.open),
      high: Float64Array.from(bars, (b) => b.high),
      low: Float64Array.from(bars, (b) => b.low),
      close: Float64Array.from(bars, (b) => b.close),
      volume: Float64Array.from(bars, (b) => b.volume),
    };
    expect(analyzeColumns("TST", columns)).toEqual(analyze("TST", bars));
  });

  it("rejects columns of different lengths", () => {
    const columns: BarColumns = {
      time: ["2020-01-01"],
      open: new Float64Array(1),
      high: new Float64Array(1),
      low: new Float64Array(0),
      close: new Float64Array(1),
      volume: new Float64Array(1),
    };
    expect(() => analyzeColumns("TST", columns)).toThrow(RangeError);
  });
});
