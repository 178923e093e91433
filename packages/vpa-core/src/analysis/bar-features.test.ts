import { describe, expect, it } from "vitest";
import type { BarFeatures } from "./bar-features.ts";
import { hasLowerVolumeThanPreviousTwo, isDownBar, isUpBar } from "./bar-features.ts";
import { closeLocation } from "./close-location.ts";

const bar = (close: number, previousClose: number, volume = 0, previousVolume = 0, volumeTwoBarsBack = 0) =>
  ({ close, previousClose, volume, previousVolume, volumeTwoBarsBack }) as BarFeatures;

describe("up/down bars", () => {
  it("compares closes; equal closes are neither", () => {
    expect([isUpBar(bar(10.01, 10)), isDownBar(bar(10.01, 10))]).toEqual([true, false]);
    expect([isUpBar(bar(9.99, 10)), isDownBar(bar(9.99, 10))]).toEqual([false, true]);
    expect([isUpBar(bar(10, 10)), isDownBar(bar(10, 10))]).toEqual([false, false]);
  });
});

describe("lowVs2", () => {
  it("needs volume strictly below both previous bars", () => {
    expect(hasLowerVolumeThanPreviousTwo(bar(0, 0, 99, 100, 100))).toBe(true);
    expect(hasLowerVolumeThanPreviousTwo(bar(0, 0, 100, 101, 100))).toBe(false);
    expect(hasLowerVolumeThanPreviousTwo(bar(0, 0, 100, 100, 101))).toBe(false);
  });
});

describe("closeLocation", () => {
  it("is 0 at the low, 1 at the high, and 0.5 on a degenerate bar", () => {
    expect(closeLocation(110, 100, 100)).toBe(0);
    expect(closeLocation(110, 100, 110)).toBe(1);
    expect(closeLocation(110, 100, 107.5)).toBe(0.75);
    expect(closeLocation(100, 100, 100)).toBe(0.5);
  });
});
