import type { BarFeatures } from "../analysis/bar-features.ts";
import type { Bias } from "../signal-type.ts";
import type { Trend } from "../trend.ts";

/**
 * What one signal of vpa-signals.md is, declared once in its own file under `signals/` and listed
 * once in `signal-registry.ts`. Everything else reads it from there: the engine (gate, priority,
 * bias, score, variant), the gate prefilter, `SIGNAL_TYPES`, the entry types of the backtest and
 * the labels the alerts show.
 *
 * Glossary: the **gate** is the §3 rule that must hold for the signal to fire; the **score** is
 * §4's `round(context × (40·sv + 30·ss + 30·sc))`, of which a definition gives the three terms and
 * the agreeing trend (the registry applies the context); the **variant** is a sub-kind recorded
 * with the signal (only SPRING has one).
 */
export interface SignalDefinition<Type extends string = string, Variant extends string = string> {
  /** The §3 type, as stored and sent: `SELLING_CLIMAX`. */
  readonly type: Type;
  /** `bull` or `bear`, or (ABSORPTION) the bias each trend gives it; `null`: not read in that trend. */
  readonly bias: Bias | BiasByTrend;
  /**
   * §4 `context`: the trend in which the signal reads as intended (context 1.0; `flat` 0.85,
   * the other 0.7). Per bias when the bias follows the trend.
   */
  readonly agreeingTrend: DirectionalTrend | AgreeingTrendByBias;
  /**
   * The §3 gate. Write it with plain comparisons on the ratios (`f.vr >= 2`, `f.sr < 0.7`), never
   * negated: an undefined ratio is NaN, and only then can its gate not hold (v1.1 §2).
   */
  readonly gate: (f: BarFeatures) => boolean;
  /** Which ratios the gate tests; with one undefined (v1.1 zero averages) such a gate cannot hold. */
  readonly gateRatios: { readonly vr: boolean; readonly sr: boolean };
  /** A cheap condition that holds whenever the gate holds: `gate-prefilter.ts` skips bars that meet none. */
  readonly prefilter: PrefilterCondition;
  /** §4 sv in [0, 1]; 0 when built on an undefined ratio (`linearScore(NaN, …)` is 0). */
  readonly volumeScore: (f: BarFeatures) => number;
  /** §4 ss in [0, 1]. */
  readonly spreadScore: (f: BarFeatures) => number;
  /** §4 sc in [0, 1]. */
  readonly closeScore: (f: BarFeatures) => number;
  /** The §9 `variant` of the record, or `null` when the signal has none. */
  readonly variant: SignalVariantRule<Variant> | null;
  /** Short name, e.g. "Selling climax" / "Cao trào bán". */
  readonly label: SignalText;
  /** One line in plain words for someone who does not know VPA. */
  readonly explanation: SignalText;
}

/** A text in the two languages the product speaks. */
export interface SignalText {
  readonly en: string;
  readonly vi: string;
}

/** A language of {@link SignalText}. */
export type SignalLanguage = keyof SignalText;

/** `up` or `down`: a trend a signal can agree with. */
export type DirectionalTrend = Exclude<Trend, "flat">;

/** ABSORPTION's bias rule, e.g. `{ down: "bull", up: "bear", flat: null }`. */
export type BiasByTrend = { readonly [T in Trend]: Bias | null };

/** The agreeing trend of each bias, for a signal whose bias follows the trend. */
export type AgreeingTrendByBias = { readonly [B in Bias]: DirectionalTrend };

/**
 * A necessary condition of a gate that the prefilter can test before the features are built:
 * `vr >= value`; `lowVs2`; `low < 20-bar low`; `high > 20-bar high`.
 */
export type PrefilterCondition =
  | { readonly kind: "volume-ratio-at-least"; readonly value: number }
  | { readonly kind: "lower-volume-than-previous-two" }
  | { readonly kind: "low-below-support" }
  | { readonly kind: "high-above-resistance" };

/** How a signal's variant is read at its bar, and the words for each variant. */
export interface SignalVariantRule<Variant extends string> {
  readonly classify: (f: BarFeatures) => Variant;
  /**
   * Words for each variant. {@link defineSignal} requires one per variant; the type is partial so
   * that every definition fits the registry's common view, which knows all signals' variants.
   */
  readonly labels: { readonly [V in Variant]?: SignalText };
}

/**
 * Declares a signal (frozen). `const` type parameters keep the literal type and variants, from
 * which the registry derives `SignalType`.
 *
 * @example
 * export const upthrustSignal = defineSignal({ type: "UPTHRUST", bias: "bear", agreeingTrend: "up", ... });
 */
export function defineSignal<const Type extends string, const Variant extends string = never>(
  definition: SignalDefinition<Type, Variant> & {
    readonly variant: { readonly labels: { readonly [V in Variant]: SignalText } } | null;
  },
): SignalDefinition<Type, Variant> {
  return Object.freeze(definition);
}

/**
 * The bias a signal has in a trend: its fixed bias, or what its rule gives (`null`: not read).
 *
 * @example
 * biasInTrend(absorptionSignal, "up"); // "bear"
 */
export function biasInTrend(definition: SignalDefinition, trend: Trend): Bias | null {
  return typeof definition.bias === "string" ? definition.bias : definition.bias[trend];
}

/** True when the signal can be read with `bias` in some trend. */
export function canHaveBias(definition: SignalDefinition, bias: Bias): boolean {
  const rule = definition.bias;
  return typeof rule === "string"
    ? rule === bias
    : rule.up === bias || rule.down === bias || rule.flat === bias;
}

/**
 * The agreeing trend of a signal read with `bias` (§4).
 *
 * @example
 * agreeingTrendOf(effortToFallSignal, "bear"); // "down"
 */
export function agreeingTrendOf(definition: SignalDefinition, bias: Bias): DirectionalTrend {
  return typeof definition.agreeingTrend === "string"
    ? definition.agreeingTrend
    : definition.agreeingTrend[bias];
}

/** The variants a definition's records can carry (`never` without a variant rule). */
export type VariantOf<Definition> =
  Definition extends SignalDefinition<string, infer Variant> ? Variant : never;
