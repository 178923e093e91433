import type { Bias } from "../signal-type.ts";
import type { Trend } from "../trend.ts";
import { absorptionSignal } from "./absorption.ts";
import { buyingClimaxSignal } from "./buying-climax.ts";
import { effortToFallSignal } from "./effort-to-fall.ts";
import { effortToRiseSignal } from "./effort-to-rise.ts";
import { noDemandSignal } from "./no-demand.ts";
import { noSupplySignal } from "./no-supply.ts";
import type { SignalSelector } from "./select-signals.ts";
import { compileSignalSelector } from "./select-signals.ts";
import { sellingClimaxSignal } from "./selling-climax.ts";
import type { SignalDefinition, VariantOf } from "./signal-definition.ts";
import { biasInTrend } from "./signal-definition.ts";
import { springSignal } from "./spring.ts";
import { stoppingVolumeSignal } from "./stopping-volume.ts";
import { testSignal } from "./test-signal.ts";
import { UnknownSignalTypeError } from "./unknown-signal-type-error.ts";
import { upthrustSignal } from "./upthrust.ts";

/**
 * Every signal of vpa-signals.md, in the §3 priority order: at one bar, the first entry of each
 * bias whose gate holds is the one emitted (SELLING_CLIMAX/BUYING_CLIMAX > SPRING/UPTHRUST >
 * STOPPING_VOLUME > EFFORT_TO_RISE/EFFORT_TO_FALL > TEST > NO_SUPPLY/NO_DEMAND > ABSORPTION).
 *
 * The one list everything reads: the engine and the gate prefilter, `SIGNAL_TYPES`, the backtest's
 * entry types and the alerts' labels. A new signal is one file under `signals/` (see
 * {@link SignalDefinition}) and one line here; `signal-registry.test.ts` then holds it to the
 * contract every signal keeps (labels in both languages, warm-up, determinism, batch = columnar =
 * streaming, a prefilter condition that really is necessary).
 */
export const SIGNAL_REGISTRY = [
  sellingClimaxSignal,
  buyingClimaxSignal,
  springSignal,
  upthrustSignal,
  stoppingVolumeSignal,
  effortToRiseSignal,
  effortToFallSignal,
  testSignal,
  noSupplySignal,
  noDemandSignal,
  absorptionSignal,
] as const;

/** A definition in the registry. */
export type RegisteredSignal = (typeof SIGNAL_REGISTRY)[number];

/** Every signal type the core emits (vpa-signals.md §3). */
export type SignalType = RegisteredSignal["type"];

/** Every §9 `variant` a signal can carry (today SPRING's `spring` / `shakeout`). */
export type SignalVariant = VariantOf<RegisteredSignal>;

/** A registry entry seen without its literal types, as the engine and the renderers hold it. */
export type AnySignalDefinition = SignalDefinition<SignalType, SignalVariant>;

const definitionsByType = new Map<string, AnySignalDefinition>();
for (const definition of SIGNAL_REGISTRY) {
  if (definitionsByType.has(definition.type))
    throw new Error(`signal ${definition.type} is registered twice`);
  definitionsByType.set(definition.type, definition);
}

/**
 * The definition of a signal type.
 *
 * @example
 * getSignalDefinition("SELLING_CLIMAX").label.vi; // "Cao trào bán"
 * @throws UnknownSignalTypeError for a type the registry does not define (a `string` from storage).
 */
export function getSignalDefinition(type: string): AnySignalDefinition {
  const definition = definitionsByType.get(type);
  if (definition === undefined) throw new UnknownSignalTypeError(type);
  return definition;
}

/**
 * The definition of a type read from outside (storage, a command line), or `undefined` when no
 * signal of that name is registered.
 *
 * @example
 * findSignalDefinition("SPRING")?.label.en; // "Spring"
 * findSignalDefinition("NEW_THING");        // undefined
 */
export function findSignalDefinition(type: string): AnySignalDefinition | undefined {
  return definitionsByType.get(type);
}

type CandidatesByTrend = { readonly [T in Trend]: readonly AnySignalDefinition[] };

function candidatesOf(bias: Bias): CandidatesByTrend {
  const inTrend = (trend: Trend) =>
    Object.freeze(SIGNAL_REGISTRY.filter((definition) => biasInTrend(definition, trend) === bias));
  return Object.freeze({ up: inTrend("up"), down: inTrend("down"), flat: inTrend("flat") });
}

const bullCandidates = candidatesOf("bull");
const bearCandidates = candidatesOf("bear");

/**
 * The signals that read `bias` in `trend`, in priority order: every fixed-bias signal of that
 * bias, and ABSORPTION only in the trend that gives it that bias. Precomputed: no allocation.
 *
 * @example
 * signalCandidates("bear", "up").map((d) => d.type);
 * // ["BUYING_CLIMAX", "UPTHRUST", "EFFORT_TO_FALL", "NO_DEMAND", "ABSORPTION"]
 */
export function signalCandidates(bias: Bias, trend: Trend): readonly AnySignalDefinition[] {
  const byTrend = bias === "bull" ? bullCandidates : bearCandidates;
  return trend === "up" ? byTrend.up : trend === "down" ? byTrend.down : byTrend.flat;
}

type SelectorsByTrend = { readonly [T in Trend]: SignalSelector };

function selectorsOf(candidates: CandidatesByTrend): SelectorsByTrend {
  return Object.freeze({
    up: compileSignalSelector(candidates.up),
    down: compileSignalSelector(candidates.down),
    flat: compileSignalSelector(candidates.flat),
  });
}

const bullSelectors = selectorsOf(bullCandidates);
const bearSelectors = selectorsOf(bearCandidates);

/**
 * The kernel's way to pick the one signal of `bias` at a bar in `trend`: {@link signalCandidates}
 * compiled into straight-line code (see `compileSignalSelector` for why).
 *
 * @example
 * signalSelector("bull", f.trend)(f)?.type; // "SPRING", say; null when no gate holds
 */
export function signalSelector(bias: Bias, trend: Trend): SignalSelector {
  const byTrend = bias === "bull" ? bullSelectors : bearSelectors;
  return trend === "up" ? byTrend.up : trend === "down" ? byTrend.down : byTrend.flat;
}
