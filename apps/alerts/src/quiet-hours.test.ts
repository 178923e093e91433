import { describe, expect, it } from "vitest";
import { formatQuietHours, parseQuietHours, quietHoursDelayMs } from "./quiet-hours.ts";

const at = (local: string) => Date.parse(`${local}+07:00`);
const HOUR = 3_600_000;

describe("quiet hours", () => {
  const night = parseQuietHours("22:00-07:00");

  it("holds an alert inside a window that wraps past midnight until the window ends", () => {
    expect(quietHoursDelayMs(night, at("2024-03-04T23:30:00"))).toBe(7.5 * HOUR);
    expect(quietHoursDelayMs(night, at("2024-03-05T06:59:00"))).toBe(60_000);
    expect(quietHoursDelayMs(night, at("2024-03-04T22:00:00"))).toBe(9 * HOUR);
  });

  it("counts the seconds and milliseconds already gone in the current minute", () => {
    // 06:59:30.250 in a window ending at 07:00: 29.75 s left, not a minute.
    expect(quietHoursDelayMs(night, at("2024-03-05T06:59:30.250"))).toBe(29_750);
    expect(quietHoursDelayMs(night, at("2024-03-04T23:30:45"))).toBe(7.5 * HOUR - 45_000);
    // The alert released at the end of the window finds it over, to the millisecond.
    const now = at("2024-03-05T03:12:07.900");
    expect(quietHoursDelayMs(night, now + quietHoursDelayMs(night, now))).toBe(0);
    expect(quietHoursDelayMs(night, now + quietHoursDelayMs(night, now) - 1)).toBe(1);
  });

  it("lets alerts through outside the window, from its end on", () => {
    expect(quietHoursDelayMs(night, at("2024-03-05T07:00:00"))).toBe(0);
    expect(quietHoursDelayMs(night, at("2024-03-04T15:10:00"))).toBe(0);
    expect(quietHoursDelayMs(null, at("2024-03-04T23:30:00"))).toBe(0);
  });

  it("handles a same-day window (a lunch break) in Vietnam time whatever the machine's zone", () => {
    const lunch = parseQuietHours("11:30-13:00");
    expect(quietHoursDelayMs(lunch, Date.parse("2024-03-04T05:00:00Z"))).toBe(HOUR); // 12:00 local
    expect(quietHoursDelayMs(lunch, Date.parse("2024-03-04T06:00:00Z"))).toBe(0); // 13:00 local
  });

  it("parses and prints HH:MM-HH:MM, and refuses anything else", () => {
    expect(night).toEqual({ start: 1320, end: 420 });
    expect(formatQuietHours(night!)).toBe("22:00-07:00");
    for (const bad of ["22-07", "25:00-07:00", "22:00", "night"]) expect(parseQuietHours(bad)).toBeNull();
  });
});
