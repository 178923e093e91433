/**
 * vpa-signals.md v1.1 §2, zero averages: a 20-bar volume average of 0 leaves `vr` undefined, a
 * spread average of 0 leaves `sr` undefined. Only what reads the undefined ratio is switched off:
 * a gate that tests it cannot hold, a score term built on it counts 0, and every other signal
 * still fires on that bar. Illiquid symbols with flat prices hit this often.
 *
 * Histories (all 60 bars, so t = 60): the standard ones of histories.ts with volume 0 (vr
 * undefined) or spread 0 (sr undefined). A zero-spread down trend still has an ATR (each close
 * gaps 25 below the last: ATR ≈ 25) and so a `down` trend; a zero-spread flat one has ATR 0.
 */
import { describe, expect, it } from "vitest";
import { BarSequence } from "../../test/support/bar-sequence.ts";
import { generateIlliquidSeries } from "../../test/support/generated-series.ts";
import { downtrendHistory, flatHistory, REGULAR } from "../../test/support/histories.ts";
import { recordsAtLastBar, signalAtLastBar } from "../../test/support/records-at.ts";
import type { Bar, BarColumns } from "../bar.ts";
import type { SignalRecord, VpaRecord } from "../vpa-record.ts";
import { analyze, analyzeColumns } from "./analyze.ts";
import { createStreamingAnalyzer } from "./streaming-analyzer.ts";

const noVolume = (direction: "up" | "down" | "flat") =>
  new BarSequence().trend(direction, 60, { ...REGULAR, volume: 0 });
const noSpread = (direction: "up" | "down" | "flat") =>
  new BarSequence().trend(direction, 60, { ...REGULAR, spread: 0 });

describe("volume average 0: vr undefined", () => {
  it("a selling-climax bar is no SELLING_CLIMAX (its gate tests vr) but a SPRING (its gate does not), sv = 0", () => {
    const climaxBar = { high: 10_050, low: 9_800, close: 9_950, volume: 3_000 }; // SELLING_CLIMAX on volume
    expect(signalAtLastBar(downtrendHistory().bar(climaxBar).build(), "bull")?.type).toBe("SELLING_CLIMAX");
    // By hand: SPRING, variant `spring` (a shakeout needs vr >= 1.5); sv 0 (vr undefined);
    // ss = penetration 150 / ATR 100 → 1; sc = (0.6 − 0.6)/0.4 = 0; context 1 → 30.
    // Confidence 0.5 + 0.15 (trend agrees) − 0.2 (zero volumes in the prior 20 bars) = 0.45.
    const record = signalAtLastBar(noVolume("down").bar(climaxBar).build(), "bull");
    expect(record).toMatchObject({
      type: "SPRING",
      variant: "spring",
      score: 30,
      confidence: 0.45,
      features: { sr: 2.5, cl: 0.6, trend: "down" },
    });
    expect(record?.features.vr).toBeNaN();
  });

  it("a buying-climax bar is no BUYING_CLIMAX but an UPTHRUST (its gate tests only sr), sv = 0", () => {
    // By hand: sv 0; ss = (2.5 − 1)/1.5 = 1; sc = (0.4 − 0.4)/(0 − 0.4) = 0; context 1 (up) → 30.
    const record = signalAtLastBar(
      noVolume("up").bar({ high: 10_200, low: 9_950, close: 10_050, volume: 3_000 }).build(),
      "bear",
    );
    expect(record).toMatchObject({ type: "UPTHRUST", score: 30, confidence: 0.45 });
  });

  it("STOPPING_VOLUME, ABSORPTION and EFFORT_* do not fire (their gates test vr)", () => {
    // A narrow bar on heavy volume in a down trend: bullish ABSORPTION when the average is 1000.
    const absorption = { high: 10_025, low: 9_975, close: 10_000, volume: 5_000 };
    expect(signalAtLastBar(downtrendHistory().bar(absorption).build(), "bull")?.type).toBe("ABSORPTION");
    expect(recordsAtLastBar(noVolume("down").bar(absorption).build())).toEqual([]);
    // Heavy volume at the 4-bar low, closing mid-bar: STOPPING_VOLUME when the average is 1000.
    const stopping = { high: 10_050, low: 9_950, close: 10_000, volume: 1_500 };
    expect(signalAtLastBar(downtrendHistory().bar(stopping).build(), "bull")?.type).toBe("STOPPING_VOLUME");
    expect(recordsAtLastBar(noVolume("down").bar(stopping).build())).toEqual([]);
    // A wide higher-high, higher-low up bar closing high on rising volume: EFFORT_TO_RISE normally.
    const effort = { high: 10_100, low: 9_960, close: 10_090, volume: 2_000 };
    expect(signalAtLastBar(flatHistory().bar(effort).build(), "bull")?.type).toBe("EFFORT_TO_RISE");
    expect(recordsAtLastBar(noVolume("flat").bar(effort).build())).toEqual([]);
  });

  it("NO_SUPPLY, NO_DEMAND and TEST cannot fire: after 20 zero volumes `lowVs2` cannot hold", () => {
    // Their volume score, volume / min(volume[t-1], volume[t-2]), is not vr and is not switched
    // off; but their gates need volume[t] < both previous volumes, impossible when those are 0.
    const narrowDown = { high: 10_000, low: 9_950, close: 9_990, volume: 0 };
    expect(recordsAtLastBar(noVolume("flat").bar(narrowDown).build())).toEqual([]);
  });
});

describe("spread average 0: sr undefined", () => {
  it("STOPPING_VOLUME fires (its gate tests only vr) with ss = 0; SELLING_CLIMAX does not", () => {
    // Zero-spread down trend: support = 4-bar low = 10000, trend down. The bar is no SPRING
    // (close 9950 under support) and, on vr 3, would be a climax if sr were defined.
    // By hand: sv = (3 − 1.5)/2 = 0.75 → 30; ss 0; sc = (0.5 − 0.4)/0.6 → 5; context 1 → 35.
    const record = signalAtLastBar(
      noSpread("down").bar({ high: 10_000, low: 9_900, close: 9_950, volume: 3_000 }).build(),
      "bull",
    );
    expect(record).toMatchObject({
      type: "STOPPING_VOLUME",
      score: 35,
      confidence: 0.65,
      features: { vr: 3, cl: 0.5, trend: "down" },
    });
    expect(record?.features.sr).toBeNaN();
  });

  it("SPRING fires (its gate tests neither ratio), scored on vr, the penetration in ATRs and cl", () => {
    // By hand: vr 0.8 → quiet spring sv = (0.8 − 1)/(0.5 − 1) = 0.4 → 16; ss = 50 / ATR ≈ 25 → 1 → 30;
    // sc = (0.8 − 0.6)/0.4 = 0.5 → 15; context 1 → 61.
    expect(
      signalAtLastBar(
        noSpread("down").bar({ high: 10_050, low: 9_950, close: 10_030, volume: 800 }).build(),
        "bull",
      ),
    ).toMatchObject({ type: "SPRING", variant: "spring", score: 61, confidence: 0.65 });
  });

  it("UPTHRUST, NO_SUPPLY and the other gates that test sr do not fire", () => {
    // A push above resistance closing low: UPTHRUST when the spread average is 100.
    const upthrust = { high: 10_100, low: 9_950, close: 9_980, volume: 1_000 };
    expect(signalAtLastBar(flatHistory().bar(upthrust).build(), "bear")?.type).toBe("UPTHRUST");
    expect(recordsAtLastBar(noSpread("flat").bar(upthrust).build())).toEqual([]);
    // A quiet narrow down bar after two busier ones: NO_SUPPLY when the spread average is 100.
    const quietDown = { high: 9_990, low: 9_960, close: 9_980, volume: 800 };
    const busier = (history: BarSequence) => history.withRecentVolumes([1_200, 1_100]);
    expect(signalAtLastBar(busier(flatHistory()).bar(quietDown).build(), "bull")?.type).toBe("NO_SUPPLY");
    expect(recordsAtLastBar(busier(noSpread("flat")).bar(quietDown).build())).toEqual([]);
  });
});

describe("both averages 0 (a symbol that did not trade for 20 bars)", () => {
  it("a SPRING still fires: sv = 0, and ss = 1 because the ATR is 0 too (README reading 4)", () => {
    // Dead flat: every bar 10000–10000, volume 0 → ATR 0, trend flat. By hand: sv 0; ss 1;
    // sc = (0.8 − 0.6)/0.4 = 0.5 → 15; context 0.85 (flat) → 0.85 × 45 = 38.25 → 38.
    // Confidence 0.5 − 0.2 = 0.3.
    const bars = new BarSequence()
      .flat(60, { ...REGULAR, spread: 0, volume: 0 })
      .bar({ high: 10_050, low: 9_900, close: 10_020, volume: 500 })
      .build();
    const record = signalAtLastBar(bars, "bull");
    expect(record).toMatchObject({ type: "SPRING", variant: "spring", score: 38, confidence: 0.3 });
    // Undefined ratios are NaN in memory and null in the JSON record.
    expect(JSON.parse(JSON.stringify(record)).features).toEqual({
      vr: null,
      sr: null,
      cl: 0.8,
      trend: "flat",
      degenerate: false,
    });
  });

  it("fires normally again once a non-zero bar is inside the window", () => {
    // 40 zero-volume bars then 20 normal ones: the average is 1000 again, but a zero volume is
    // 20 bars back: confidence 0.5 − 0.2, and vr = 1000 / 950 (19 volumes of 1000 in the window).
    const bars = new BarSequence()
      .flat(40, { ...REGULAR, volume: 0 })
      .flat(20, REGULAR)
      .withVolumeBarsBack(20, 0)
      .bar({ high: 10_100, low: 9_950, close: 9_980, volume: 1_000 })
      .build();
    expect(signalAtLastBar(bars, "bear")).toMatchObject({
      type: "UPTHRUST",
      confidence: 0.3,
      features: { vr: 1.0526, sr: 1.5 },
    });
  });
});

describe("batch = columnar = streaming on illiquid series", () => {
  const toColumns = (bars: readonly Bar[]): BarColumns => ({
    time: bars.map((b) => b.time),
    open: Float64Array.from(bars, (b) => b.open),
    high: Float64Array.from(bars, (b) => b.high),
    low: Float64Array.from(bars, (b) => b.low),
    close: Float64Array.from(bars, (b) => b.close),
    volume: Float64Array.from(bars, (b) => b.volume),
  });
  const stream = (bars: readonly Bar[]): VpaRecord[] => {
    const analyzer = createStreamingAnalyzer("ILQ");
    return bars.flatMap((bar) => analyzer.update(bar));
  };

  it("agree record for record, and the series do emit signals with vr or sr undefined", () => {
    let withoutVr = 0;
    let withoutSr = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const bars = generateIlliquidSeries(1_200, seed);
      const batch = analyze("ILQ", bars);
      // JSON text: NaN features compare as null, exactly what `vpa analyze --json` prints.
      expect(JSON.stringify(analyzeColumns("ILQ", toColumns(bars)))).toBe(JSON.stringify(batch));
      expect(stream(bars)).toEqual(batch);
      for (const r of batch) {
        if (r.kind !== "signal") continue;
        if (Number.isNaN((r as SignalRecord).features.vr)) withoutVr++;
        if (Number.isNaN((r as SignalRecord).features.sr)) withoutSr++;
      }
    }
    expect(withoutVr).toBeGreaterThan(100);
    expect(withoutSr).toBeGreaterThan(100);
  });
});
