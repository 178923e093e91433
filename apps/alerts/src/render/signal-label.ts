/**
 * Human-readable names for signal types, read from vpa-core's signal registry: each signal declares
 * its own label, in English and Vietnamese, next to its rule (`packages/vpa-core/src/signals/`).
 *
 * No fallback: a type (or variant) the registry does not define throws `UnknownSignalTypeError`
 * (code `UNKNOWN_SIGNAL_TYPE`) instead of showing a made-up name. Such a record comes from another
 * version of the core, e.g. a newer scanner during a rolling deploy; the alert job fails, is
 * retried, and renders once this worker runs the core that defines the type.
 */
import type { SignalLanguage, SignalText } from "@vpa/core";
import { getSignalDefinition, UnknownSignalTypeError } from "@vpa/core";

/**
 * Label for a signal type and its variant (only `SPRING` has one in v1.1: `spring` or
 * `shakeout`). A variant that merely repeats the type ("Spring"/"spring") is not shown twice.
 *
 * @example
 * describeSignalType("SELLING_CLIMAX", null);       // "Selling climax"
 * describeSignalType("SELLING_CLIMAX", null, "vi"); // "Cao trào bán"
 * describeSignalType("SPRING", "shakeout");         // "Spring – shakeout"
 * describeSignalType("SPRING", "spring");           // "Spring"
 * @throws UnknownSignalTypeError for a type or variant the registry does not define.
 */
export function describeSignalType(
  signalType: string,
  variant: string | null,
  language: SignalLanguage = "en",
): string {
  const definition = getSignalDefinition(signalType);
  const label = definition.label[language];
  if (variant === null) return label;
  const variantLabels: Readonly<Record<string, SignalText | undefined>> = definition.variant?.labels ?? {};
  const variantLabel = Object.hasOwn(variantLabels, variant) ? variantLabels[variant]?.[language] : undefined;
  if (variantLabel === undefined) throw new UnknownSignalTypeError(signalType, variant);
  return variantLabel.toLowerCase() === label.toLowerCase() ? label : `${label} – ${variantLabel}`;
}

/**
 * The label (with its variant) in every language, for a catalogue to show the one(s) it speaks.
 *
 * @example
 * signalLabelText("SPRING", "shakeout"); // { en: "Spring – shakeout", vi: "Cú lò xo – rũ bỏ" }
 * @throws UnknownSignalTypeError for a type or variant the registry does not define.
 */
export function signalLabelText(signalType: string, variant: string | null): SignalText {
  return {
    en: describeSignalType(signalType, variant, "en"),
    vi: describeSignalType(signalType, variant, "vi"),
  };
}

/**
 * The registry's one line, in plain words, of what the signal means.
 *
 * @throws UnknownSignalTypeError for a type the registry does not define.
 */
export function signalExplanation(signalType: string): SignalText {
  return getSignalDefinition(signalType).explanation;
}
