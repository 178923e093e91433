import type { PrefilterCondition } from "../signals/signal-definition.ts";
import { SIGNAL_REGISTRY } from "../signals/signal-registry.ts";
import type { BarFeatures } from "./bar-features.ts";
import { hasLowerVolumeThanPreviousTwo } from "./bar-features.ts";

// The union of the registry's prefilter conditions, computed once. Every gate declares one
// condition that holds whenever the gate holds (checked on random features by
// signal-registry.test.ts), so a bar that meets none of them cannot match any gate.
const conditions = SIGNAL_REGISTRY.map((definition) => definition.prefilter);
/** The lowest `vr` some gate can fire at (1.2 today: EFFORT_*); Infinity when no gate needs volume. */
const lowestVolumeRatio = Math.min(
  ...conditions.map((c) => (c.kind === "volume-ratio-at-least" ? c.value : Number.POSITIVE_INFINITY)),
);
const testsLowerVolume = conditions.some((c) => c.kind === "lower-volume-than-previous-two");
const testsBelowSupport = conditions.some((c) => c.kind === "low-below-support");
const testsAboveResistance = conditions.some((c) => c.kind === "high-above-resistance");

/**
 * A necessary condition for any gate of vpa-signals.md §3 to hold, cheap enough to test on every
 * bar before the full feature set is built: one of the registry's prefilter conditions. Today:
 *
 * - `vr >= 1.2` — STOPPING_VOLUME, EFFORT_* (1.2), ABSORPTION (1.5), the climaxes (2.0);
 * - `lowVs2` — NO_DEMAND, NO_SUPPLY, TEST;
 * - `low < 20-bar low` — SPRING;
 * - `high > 20-bar high` — UPTHRUST.
 *
 * Most bars have none and are skipped. An undefined `vr` (NaN, v1.1) is not `>= 1.2`, which is
 * right: the gates that need it cannot hold then.
 *
 * @example
 * mayMatchAnyGate(1.0, false, 99.5, 99, 100.5, 101); // false: nothing can fire
 */
export function mayMatchAnyGate(
  vr: number,
  lowerVolumeThanPreviousTwo: boolean,
  low: number,
  support: number,
  high: number,
  resistance: number,
): boolean {
  return (
    vr >= lowestVolumeRatio ||
    (testsLowerVolume && lowerVolumeThanPreviousTwo) ||
    (testsBelowSupport && low < support) ||
    (testsAboveResistance && high > resistance)
  );
}

/**
 * Whether a bar meets one declared prefilter condition; {@link mayMatchAnyGate} is true exactly
 * when the bar meets the condition of some registered signal.
 *
 * @example
 * meetsPrefilterCondition({ kind: "low-below-support" }, f); // f.low < f.support
 */
export function meetsPrefilterCondition(condition: PrefilterCondition, f: BarFeatures): boolean {
  switch (condition.kind) {
    case "volume-ratio-at-least":
      return f.vr >= condition.value;
    case "lower-volume-than-previous-two":
      return hasLowerVolumeThanPreviousTwo(f);
    case "low-below-support":
      return f.low < f.support;
    case "high-above-resistance":
      return f.high > f.resistance;
  }
}
