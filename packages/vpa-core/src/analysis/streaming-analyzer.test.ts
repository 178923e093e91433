import { describe, expect, it } from "vitest";
import { generateSeries, seededRandom } from "../../test/support/generated-series.ts";
import type { Bar } from "../bar.ts";
import type { VpaRecord } from "../vpa-record.ts";
import { analyze } from "./analyze.ts";
import { createStreamingAnalyzer } from "./streaming-analyzer.ts";

function stream(symbol: string, bars: readonly Bar[]): VpaRecord[] {
  const analyzer = createStreamingAnalyzer(symbol);
  const records: VpaRecord[] = [];
  for (const bar of bars) {
    const dated = analyzer.update(bar);
    // update() returns exactly the records dated at this bar.
    for (const r of dated)
      if (r.time !== bar.time) throw new Error(`record dated ${r.time} returned at ${bar.time}`);
    records.push(...dated);
  }
  expect(analyzer.barCount).toBe(bars.length);
  return records;
}

describe("streaming = batch", () => {
  it("gives identical records on 40 generated series with zero volumes, degenerate bars and gaps", () => {
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const bars = generateSeries(1_500, seed);
      const batch = analyze("GEN", bars);
      expect(stream("GEN", bars)).toEqual(batch);
      total += batch.length;
    }
    expect(total).toBeGreaterThan(1_000); // the series do produce signals and confirmations
  });
});

describe("no look-ahead", () => {
  it("never changes a record of bar k when bars after k are appended or changed", () => {
    const next = seededRandom(99);
    for (let seed = 100; seed < 110; seed++) {
      const bars = generateSeries(800, seed);
      const full = analyze("GEN", bars);
      for (let cut = 30; cut < bars.length; cut += 37) {
        const prefix = bars.slice(0, cut + 1);
        const lastTime = prefix.at(-1)!.time;
        const expected = full.filter((r) => r.time <= lastTime);
        // Appending the real future changes nothing before it ...
        expect(analyze("GEN", prefix)).toEqual(expected);
        // ... and neither does a different future (a random crash or spike after the cut).
        const otherFuture = generateSeries(200, seed * 1_000 + cut).map((bar, i) => ({
          ...bar,
          time: new Date(Date.parse(`${lastTime}T00:00:00Z`) + (i + 1) * 86_400_000)
            .toISOString()
            .slice(0, 10),
          volume: bar.volume * (1 + Math.floor(next() * 5)),
        }));
        const withOtherFuture = analyze("GEN", [...prefix, ...otherFuture]);
        expect(withOtherFuture.filter((r) => r.time <= lastTime)).toEqual(expected);
      }
    }
  });
});
