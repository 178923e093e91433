import { Highest, Lowest } from "technicalindicators";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../test-support/seeded-random.ts";
import { RollingExtreme, rollingExtremeColumn } from "./rolling-extreme.ts";

describe("RollingExtreme", () => {
  it("tracks the min and max of the last `window` values, including while filling", () => {
    const min = new RollingExtreme(3, "min");
    const max = new RollingExtreme(3, "max");
    expect(min.value()).toBeNaN();
    const seen: [number, number][] = [];
    for (const x of [5, 3, 4, 6, 7, 2, 2, 9]) {
      min.push(x);
      max.push(x);
      seen.push([min.value(), max.value()]);
    }
    expect(seen).toEqual([
      [5, 5],
      [3, 5],
      [3, 5],
      [3, 6],
      [4, 7],
      [2, 7],
      [2, 7],
      [2, 9],
    ]);
  });

  it("equals a brute-force scan on monotonic, constant and random series, for several windows", () => {
    const next = seededRandom(5);
    const series = [
      Float64Array.from({ length: 500 }, (_, i) => i),
      Float64Array.from({ length: 500 }, (_, i) => -i),
      new Float64Array(500).fill(3),
      Float64Array.from({ length: 2_000 }, () => Math.round(next() * 50)),
    ];
    for (const values of series) {
      for (const window of [1, 2, 4, 20, 33]) {
        for (const kind of ["min", "max"] as const) {
          const ours = rollingExtremeColumn(values, window, kind);
          for (let t = window - 1; t < values.length; t++) {
            const slice = values.subarray(t - window + 1, t + 1);
            expect(ours[t]).toBe(kind === "min" ? Math.min(...slice) : Math.max(...slice));
          }
        }
      }
    }
  });

  it("matches technicalindicators' Lowest/Highest exactly", () => {
    const next = seededRandom(9);
    const values = Array.from({ length: 3_000 }, () => 10 + next() * 90);
    const lowest = Lowest.calculate({ period: 20, values });
    const highest = Highest.calculate({ period: 20, values });
    const ourLow = rollingExtremeColumn(Float64Array.from(values), 20, "min");
    const ourHigh = rollingExtremeColumn(Float64Array.from(values), 20, "max");
    expect(lowest.length).toBe(values.length - 19);
    lowest.forEach((v, j) => {
      expect(ourLow[j + 19]).toBe(v);
    });
    highest.forEach((v, j) => {
      expect(ourHigh[j + 19]).toBe(v);
    });
  });
});
