import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSeries } from "../../test/support/generated-series.ts";
import { createStreamingAnalyzer } from "../analysis/streaming-analyzer.ts";
import type { Bar } from "../bar.ts";
import { DERIVATIVES_SESSIONS } from "./derivatives-sessions.ts";
import { evaluateProvisional } from "./evaluate-provisional.ts";
import { TimeOfDayVolume } from "./time-of-day-volume.ts";

/** The repo's slice of the real VN30F1M 1-minute bars (fixtures/vn30f1m-1m-sample.csv). */
function vn30f1mMinutes(): Bar[] {
  const path = new URL("../../../../fixtures/vn30f1m-1m-sample.csv", import.meta.url);
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => /^\d{4}-/.test(line))
    .map((line) => {
      const [date, open, high, low, close, volume] = line.split(",");
      return {
        time: `${date!.replace(" ", "T")}+07:00`,
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        volume: Number(volume),
      };
    });
}

describe("preview (the provisional kernel)", () => {
  it("gives, for every bar, exactly the signals its update then gives, and leaves no trace", () => {
    for (const [name, bars] of [
      ["VN30F1M 1m", vn30f1mMinutes()],
      ["generated", generateSeries(3_000, 7)],
    ] as const) {
      const previewed = createStreamingAnalyzer("X");
      const plain = createStreamingAnalyzer("X");
      let signals = 0;
      for (const bar of bars) {
        const preview = previewed.preview(bar);
        previewed.preview({ ...bar, volume: bar.volume * 3, close: bar.high }); // another look, another bar
        const records = previewed.update(bar);
        expect(records, `${name} ${bar.time}`).toEqual(plain.update(bar));
        expect(preview, `${name} ${bar.time}`).toEqual(records.filter((r) => r.kind === "signal"));
        signals += preview.length;
      }
      expect(signals, name).toBeGreaterThan(20);
    }
  });
});

describe("evaluateProvisional (vpa-signals.md §10)", () => {
  const bars = vn30f1mMinutes();
  /** Analyzer and time-of-day average after the first `count` bars. */
  function warmed(count: number) {
    const analyzer = createStreamingAnalyzer("VN30F1M");
    const timeOfDay = new TimeOfDayVolume();
    for (const bar of bars.slice(0, count)) {
      analyzer.update(bar);
      timeOfDay.push(bar.time, bar.volume);
    }
    return { analyzer, timeOfDay };
  }
  const endOf = (bar: Bar) => Date.parse(bar.time) + 60_000;

  it("at the bar's end, with no time-of-day history, is the final signal, labelled provisional (auction bars excepted)", () => {
    // Early in the file: fewer than 5 sessions, so no time-of-day correction.
    const { analyzer, timeOfDay } = warmed(0);
    let compared = 0;
    for (const bar of bars.slice(0, 500)) {
      const provisional = evaluateProvisional(analyzer, timeOfDay, bar, {
        barEndMs: endOf(bar),
        nowMs: endOf(bar),
        sessions: DERIVATIVES_SESSIONS,
      });
      const final = analyzer.update(bar).filter((r) => r.kind === "signal");
      timeOfDay.push(bar.time, bar.volume);
      // The 14:45 bar is the closing auction's print: never evaluated provisionally.
      if (bar.time.includes("T14:45")) {
        expect(provisional).toEqual([]);
        continue;
      }
      expect(provisional.map(({ kind, projection, ...rest }) => ({ kind: "signal", ...rest }))).toEqual(
        final,
      );
      for (const p of provisional) {
        expect(p.kind).toBe("provisional");
        expect(p.projection).toMatchObject({
          elapsedFraction: 1,
          volumeSoFar: bar.volume,
          projectedVolume: bar.volume,
        });
      }
      compared += final.length;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it("projects the volume so far by the time elapsed and reads it against the same time of day", () => {
    // Bar 2,000 is 10+ sessions in: the time-of-day average is known for most minutes.
    const index = bars.findIndex((bar, i) => i >= 2_000 && bar.time.includes("T10:"));
    const { analyzer, timeOfDay } = warmed(index);
    const bar = bars[index]!;
    const tod = timeOfDay.average(bar.time);
    expect(tod).toBeGreaterThan(0);
    // Half the minute gone, and already 3× the usual volume of this minute: projected 6×.
    const forming = { ...bar, volume: Math.round(3 * tod) };
    const halfway = Date.parse(bar.time) + 30_000;
    const found = evaluateProvisional(analyzer, timeOfDay, forming, {
      barEndMs: endOf(bar),
      nowMs: halfway,
      sessions: DERIVATIVES_SESSIONS,
    });
    const expectedRatio = (2 * forming.volume) / tod;
    for (const p of found) {
      expect(p.projection.elapsedFraction).toBe(0.5);
      expect(p.projection.projectedVolume).toBe(2 * forming.volume);
      expect(p.projection.timeOfDayVolume).toBe(tod);
      if (!Number.isNaN(p.features.vr)) expect(p.features.vr).toBeCloseTo(expectedRatio, 3);
    }
    // A third of the minute is the least: before it, nothing.
    expect(
      evaluateProvisional(analyzer, timeOfDay, forming, {
        barEndMs: endOf(bar),
        nowMs: Date.parse(bar.time) + 15_000,
        sessions: DERIVATIVES_SESSIONS,
      }),
    ).toEqual([]);
    // The analyzer did not move: the closed bar still analyses as if no preview happened.
    const fresh = warmed(index).analyzer;
    expect(analyzer.update(bar)).toEqual(fresh.update(bar));
  });

  it("seen at two thirds of every bar of the real minutes: provisional signals appear, and some hold at the close", () => {
    // Two thirds of each bar's volume at two thirds of its time: the projection is the real volume,
    // but high, low and close are the final ones too, so what differs is the time-of-day reading.
    const { analyzer, timeOfDay } = warmed(0);
    let provisional = 0;
    let held = 0;
    for (const bar of bars) {
      const twoThirds = Date.parse(bar.time) + 40_000;
      const seen = evaluateProvisional(
        analyzer,
        timeOfDay,
        { ...bar, volume: Math.round((bar.volume * 2) / 3) },
        {
          barEndMs: endOf(bar),
          nowMs: twoThirds,
          sessions: DERIVATIVES_SESSIONS,
        },
      );
      const final = new Set(
        analyzer
          .update(bar)
          .filter((r) => r.kind === "signal")
          .map((r) => r.type),
      );
      timeOfDay.push(bar.time, bar.volume);
      provisional += seen.length;
      held += seen.filter((p) => final.has(p.type)).length;
    }
    expect(provisional).toBeGreaterThan(10);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(provisional);
  });
});
