import type { BarFeatures } from "../analysis/bar-features.ts";
import type { AnySignalDefinition } from "./signal-registry.ts";

/** Picks the one signal of a bias at a bar, or `null`. */
export type SignalSelector = (f: BarFeatures) => AnySignalDefinition | null;

/**
 * The plain reading of §3's priority rule: the first candidate, in registry (priority) order,
 * whose gate holds. This is the reference {@link compileSignalSelector} is tested against.
 *
 * @example
 * // a bar that is both a selling climax and a spring is a SELLING_CLIMAX
 * selectSignal(signalCandidates("bull", "down"), f)?.type; // "SELLING_CLIMAX"
 */
export function selectSignal(
  candidates: readonly AnySignalDefinition[],
  f: BarFeatures,
): AnySignalDefinition | null {
  for (const candidate of candidates) if (candidate.gate(f)) return candidate;
  return null;
}

/**
 * {@link selectSignal} for a fixed candidate list, unrolled into straight-line code generated
 * from the list at load time: `if (gate0(f)) return candidates[0]; if (gate1(f)) ...`.
 *
 * Why generated: the kernel calls this on about half of all bars. In a loop, the one call site
 * `candidate.gate(f)` sees every gate, so V8 cannot inline any of them (a megamorphic call): on
 * the VN30 fixture that cost about a third of the kernel's bars/s. Unrolled, each gate has its own
 * call site, which V8 inlines, as it did the hand-written `if (matchesX(f))` chain this replaces,
 * while a new signal still needs only its file and its registry line. The generated source holds
 * nothing but indices (no text from the definitions), and `signal-registry.test.ts` checks it
 * against {@link selectSignal} on random features.
 */
export function compileSignalSelector(candidates: readonly AnySignalDefinition[]): SignalSelector {
  const gateNames = candidates.map((_, i) => `gate${i}`);
  const body = candidates.map((_, i) => `  if (gate${i}(f)) return candidates[${i}];\n`).join("");
  const source = `return function selectSignal(f) {\n${body}  return null;\n};`;
  const makeSelector = new Function("candidates", ...gateNames, source);
  return makeSelector(candidates, ...candidates.map((candidate) => candidate.gate)) as SignalSelector;
}
