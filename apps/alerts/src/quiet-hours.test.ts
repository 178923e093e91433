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

  it("holds a same-day window from its first minute to its last, and nothing outside it", () => {
    const lunch = parseQuietHours("11:30-13:45");
    expect(quietHoursDelayMs(lunch, at("2024-03-04T11:29:59"))).toBe(0);
    expect(quietHoursDelayMs(lunch, at("2024-03-04T11:30:00"))).toBe(135 * 60_000);
    expect(quietHoursDelayMs(lunch, at("2024-03-04T13:44:59"))).toBe(1_000);
    expect(quietHoursDelayMs(lunch, at("2024-03-04T13:45:00"))).toBe(0);
    expect(quietHoursDelayMs(lunch, at("2024-03-04T23:00:00"))).toBe(0);
    // A wrapping window starts at its start minute, not before.
    expect(quietHoursDelayMs(night, at("2024-03-04T21:59:59"))).toBe(0);
  });

  it("a window that starts where it ends holds nothing", () => {
    const none = parseQuietHours("08:00-08:00");
    expect(none).toEqual({ start: 480, end: 480 });
    expect(quietHoursDelayMs(none, at("2024-03-04T08:00:00"))).toBe(0);
    expect(quietHoursDelayMs(none, at("2024-03-04T20:00:00"))).toBe(0);
  });

  it("reads the minutes of both ends, one-digit hours and spaces around the dash", () => {
    expect(parseQuietHours("11:30-13:45")).toEqual({ start: 690, end: 825 });
    expect(parseQuietHours("  7:05 - 9:10 ")).toEqual({ start: 425, end: 550 });
    expect(parseQuietHours("23:59-00:01")).toEqual({ start: 1439, end: 1 });
    for (const bad of ["24:00-01:00", "1:5-2:00", "10:00-10:60", "10:00x-11:00", "10:00 - 29:00"]) {
      expect(parseQuietHours(bad)).toBeNull();
    }
  });

  it("parses and prints HH:MM-HH:MM, and refuses anything else", () => {
    expect(night).toEqual({ start: 1320, end: 420 });
    expect(formatQuietHours(night!)).toBe("22:00-07:00");
    for (const bad of ["22-07", "25:00-07:00", "22:00", "night"]) expect(parseQuietHours(bad)).toBeNull();
  });
});
