/**
 * A necessary condition for any gate of vpa-signals.md §3 to hold, cheap enough to test on every
 * bar before the full feature set is built. Every gate needs at least one of:
 *
 * - `vr >= 1.2` — STOPPING_VOLUME, EFFORT_* (1.2), ABSORPTION (1.5), the climaxes (2.0);
 * - `lowVs2` — NO_DEMAND, NO_SUPPLY, TEST;
 * - `low < 20-bar low` — SELLING_CLIMAX, SPRING;
 * - `high > 20-bar high` — BUYING_CLIMAX, UPTHRUST.
 *
 * Most bars have none and are skipped. It only skips work: `gate-prefilter.test.ts` checks on
 * random features that no gate holds where this returns false. Keep it in step with the gates.
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
  return vr >= 1.2 || lowerVolumeThanPreviousTwo || low < support || high > resistance;
}
