import { describe, expect, it } from "vitest";
import { DEFAULT_TRADING_SESSIONS } from "../market/trading-sessions.ts";
import { continuousElapsedFraction } from "./continuous-elapsed-fraction.ts";
import { DERIVATIVES_SESSIONS } from "./derivatives-sessions.ts";

const at = (clock: string) => Date.parse(`2024-03-04T${clock}:00+07:00`);
const { HOSE, HNX, UPCOM } = DEFAULT_TRADING_SESSIONS;

describe("continuousElapsedFraction (vpa-signals.md §10)", () => {
  it("is the share of the bar's continuous minutes elapsed", () => {
    expect(continuousElapsedFraction(at("09:15"), at("09:30"), at("09:20"), HOSE)).toBeCloseTo(1 / 3, 12);
    expect(continuousElapsedFraction(at("13:00"), at("14:00"), at("13:45"), UPCOM)).toBe(0.75);
    expect(continuousElapsedFraction(at("10:07"), at("10:08"), at("10:08"), HNX)).toBe(1);
  });

  it("does not count HOSE's opening auction inside a 1-hour bar", () => {
    // 09:00–10:00: ATO 09:00–09:15, then 45 continuous minutes; at 09:45, 30 of them elapsed.
    expect(continuousElapsedFraction(at("09:00"), at("10:00"), at("09:45"), HOSE)).toBeCloseTo(30 / 45, 12);
  });

  it("gives nothing for a bar wholly in an auction, nor while an auction runs", () => {
    expect(continuousElapsedFraction(at("09:00"), at("09:15"), at("09:10"), HOSE)).toBeNull(); // ATO bar
    expect(continuousElapsedFraction(at("14:30"), at("14:45"), at("14:40"), HOSE)).toBeNull(); // ATC bar
    // HNX 1h bar 14:00–15:00 while the ATC runs (14:30–14:45): its lump is not in yet.
    expect(continuousElapsedFraction(at("14:00"), at("15:00"), at("14:40"), HNX)).toBeNull();
    // Futures: ATO 08:45–09:00.
    expect(continuousElapsedFraction(at("08:45"), at("09:00"), at("08:50"), DERIVATIVES_SESSIONS)).toBeNull();
    expect(
      continuousElapsedFraction(at("09:00"), at("09:15"), at("09:05"), DERIVATIVES_SESSIONS),
    ).toBeCloseTo(1 / 3, 12);
  });

  it("gives nothing outside the bar", () => {
    expect(continuousElapsedFraction(at("10:00"), at("10:15"), at("10:00"), HOSE)).toBeNull();
    expect(continuousElapsedFraction(at("10:00"), at("10:15"), at("10:16"), HOSE)).toBeNull();
  });

  it("counts the morning bar cut by the lunch break on its own minutes only", () => {
    // A 1h stream's 11:00–11:30 bar: at 11:10, a third of its 30 minutes.
    expect(continuousElapsedFraction(at("11:00"), at("11:30"), at("11:10"), HOSE)).toBeCloseTo(1 / 3, 12);
  });
});
