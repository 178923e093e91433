import { describe, expect, it } from "vitest";
import { chanceKey, drawChanceBar, weekdaysOfYear } from "./chance-draw.ts";

/** Every weekday of 2019 except a suspension in June, as bar dates. */
const times = weekdaysOfYear(2019).filter((d) => d < "2019-06-01" || d > "2019-06-30");
const base = {
  times,
  length: times.length,
  seed: 1,
  year: 2019,
  eligibleFrom: "2019-01-01",
  asOf: "2019-12-31",
};

describe("chance draws (one random entry per signal, same symbol and year)", () => {
  it("is deterministic for a seed and a signal, and differs between seeds", () => {
    const key = chanceKey("AAA", "2019-03-04", "SPRING");
    expect(drawChanceBar({ ...base, key })).toEqual(drawChanceBar({ ...base, key }));
    const draws = new Set(
      [1, 2, 3, 4, 5].map((seed) => JSON.stringify(drawChanceBar({ ...base, key, seed }))),
    );
    expect(draws.size).toBeGreaterThan(1);
  });

  it("draws uniformly over the symbol's sessions of that year, never a day without a bar", () => {
    const counts = new Map<string, number>();
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const draw = drawChanceBar({ ...base, key: chanceKey("AAA", `2019-0${(i % 9) + 1}-01`, `T${i}`) });
      if (draw.status !== "drawn") throw new Error(`not drawn: ${JSON.stringify(draw)}`);
      expect(times[draw.bar]).toBe(draw.time);
      counts.set(draw.time, (counts.get(draw.time) ?? 0) + 1);
    }
    expect([...counts.keys()].some((d) => d.startsWith("2019-06"))).toBe(false);
    // 241 sessions: about 83 draws each; the busiest quarter of the year gets its share.
    const firstQuarter = [...counts].filter(([d]) => d < "2019-04-01").reduce((s, [, c]) => s + c, 0);
    const sessionsInFirstQuarter = times.filter((d) => d < "2019-04-01").length;
    expect(firstQuarter / draws).toBeCloseTo(sessionsInFirstQuarter / times.length, 1);
    expect(Math.max(...counts.values())).toBeLessThan(150);
  });

  it("waits for a date after the data instead of judging it, and settles once bars come", () => {
    const key = chanceKey("AAA", "2019-02-01", "TEST");
    const full = drawChanceBar({ ...base, key });
    expect(full.status).toBe("drawn");
    if (full.status !== "drawn") return;
    // As of the day before the drawn session, the draw cannot be made yet.
    const before = times.findIndex((d) => d >= full.time) - 1;
    const early = drawChanceBar({ ...base, key, length: before + 1, asOf: times[before]! });
    expect(early.status).toBe("waiting");
    // Any later cut gives the same draw: a made draw never changes.
    for (const cut of [before + 1, before + 10, times.length - 1]) {
      expect(drawChanceBar({ ...base, key, length: cut + 1, asOf: times[cut]! })).toEqual(full);
    }
  });

  it("counts days after a delisted symbol's last bar as days without a bar when the market went on", () => {
    const short = times.slice(0, 60);
    const draw = drawChanceBar({
      ...base,
      times: short,
      length: short.length,
      key: chanceKey("DEL", "2019-02-01", "TEST"),
    });
    expect(draw.status).toBe("drawn");
    if (draw.status === "drawn") expect(draw.bar).toBeLessThan(60);
  });

  it("draws nothing before the analyser's warm-up ends, and gives up on a year without bars", () => {
    const late = drawChanceBar({
      ...base,
      key: chanceKey("AAA", "2019-11-01", "TEST"),
      eligibleFrom: "2019-11-01",
    });
    expect(late.status === "drawn" && late.time >= "2019-11-01").toBe(true);
    expect(drawChanceBar({ ...base, key: "x", times: [], length: 0 })).toEqual({ status: "none" });
  });
});
