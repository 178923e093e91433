import type { BarFeatures } from "../analysis/bar-features.ts";
import type { SignalType } from "../signal-type.ts";
import { matchesAbsorption } from "./absorption.ts";
import { matchesBuyingClimax } from "./buying-climax.ts";
import { matchesEffortToFall } from "./effort-to-fall.ts";
import { matchesEffortToRise } from "./effort-to-rise.ts";
import { matchesNoDemand } from "./no-demand.ts";
import { matchesNoSupply } from "./no-supply.ts";
import { matchesSellingClimax } from "./selling-climax.ts";
import { matchesSpring } from "./spring.ts";
import { matchesStoppingVolume } from "./stopping-volume.ts";
import { matchesTest } from "./test-signal.ts";
import { matchesUpthrust } from "./upthrust.ts";

/** Signal types that can be bullish. */
export type BullSignalType = Extract<
  SignalType,
  "SELLING_CLIMAX" | "SPRING" | "STOPPING_VOLUME" | "EFFORT_TO_RISE" | "TEST" | "NO_SUPPLY" | "ABSORPTION"
>;

/** Signal types that can be bearish. */
export type BearSignalType = Extract<
  SignalType,
  "BUYING_CLIMAX" | "UPTHRUST" | "EFFORT_TO_FALL" | "NO_DEMAND" | "ABSORPTION"
>;

/**
 * The one bull signal of a bar (vpa-signals.md §3): the first gate that holds in the priority order
 * SELLING_CLIMAX > SPRING > STOPPING_VOLUME > EFFORT_TO_RISE > TEST > NO_SUPPLY > ABSORPTION.
 *
 * @example
 * // a bar that is both a selling climax and a spring is a SELLING_CLIMAX
 */
export function selectBullSignal(f: BarFeatures): BullSignalType | null {
  if (matchesSellingClimax(f)) return "SELLING_CLIMAX";
  if (matchesSpring(f)) return "SPRING";
  if (matchesStoppingVolume(f)) return "STOPPING_VOLUME";
  if (matchesEffortToRise(f)) return "EFFORT_TO_RISE";
  if (matchesTest(f)) return "TEST";
  if (matchesNoSupply(f)) return "NO_SUPPLY";
  if (f.trend === "down" && matchesAbsorption(f)) return "ABSORPTION";
  return null;
}

/**
 * The one bear signal of a bar: BUYING_CLIMAX > UPTHRUST > EFFORT_TO_FALL > NO_DEMAND > ABSORPTION.
 * (STOPPING_VOLUME and TEST have no bearish form in the spec.)
 */
export function selectBearSignal(f: BarFeatures): BearSignalType | null {
  if (matchesBuyingClimax(f)) return "BUYING_CLIMAX";
  if (matchesUpthrust(f)) return "UPTHRUST";
  if (matchesEffortToFall(f)) return "EFFORT_TO_FALL";
  if (matchesNoDemand(f)) return "NO_DEMAND";
  if (f.trend === "up" && matchesAbsorption(f)) return "ABSORPTION";
  return null;
}
