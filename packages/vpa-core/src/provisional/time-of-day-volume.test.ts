import { describe, expect, it } from "vitest";
import { TimeOfDayVolume } from "./time-of-day-volume.ts";

const bar = (day: number, clock: string) => `2024-03-${String(day).padStart(2, "0")}T${clock}:00+07:00`;

describe("TimeOfDayVolume (vpa-signals.md §10)", () => {
  it("averages the bars that opened at the same minute of day, once 5 sessions are known", () => {
    const tod = new TimeOfDayVolume();
    for (let day = 1; day <= 4; day++) {
      tod.push(bar(day, "09:15"), 1_000 * day);
      tod.push(bar(day, "11:20"), 10);
    }
    expect(tod.average(bar(5, "09:15"))).toBeNaN(); // 4 sessions: not enough
    tod.push(bar(5, "09:15"), 5_000);
    expect(tod.average(bar(6, "09:15"))).toBe(3_000); // (1..5) × 1,000 / 5
    expect(tod.average(bar(6, "11:20"))).toBeNaN();
    expect(tod.average(bar(6, "10:00"))).toBeNaN();
  });

  it("keeps the last 20 sessions only", () => {
    const tod = new TimeOfDayVolume();
    for (let day = 1; day <= 25; day++) tod.push(bar(day, "10:00"), day <= 5 ? 1_000_000 : 100);
    expect(tod.average(bar(26, "10:00"))).toBe(100);
  });
});
