import { findSignalDefinition, type SignalText } from "@vpa/core";
import type { SubscriptionParts } from "../i18n/catalogue.ts";

/** A subscription's symbols are listed up to this many, then "(+K)": replies stay short. */
export const LIST_SYMBOLS_SHOWN = 12;

/**
 * What the catalogues need to describe a subscription: symbols shortened, signal types as their
 * names in both languages. A stored type this version does not know (a newer scanner wrote it) is
 * shown as its code, never as a made-up name.
 */
export function subscriptionParts(subscription: {
  readonly symbols: readonly string[] | null;
  readonly signalTypes: readonly string[] | null;
  readonly minScore: number;
}): SubscriptionParts {
  const { symbols, signalTypes } = subscription;
  return {
    kinds: signalTypes === null ? null : signalTypes.map(signalTypeName),
    symbols:
      symbols === null
        ? null
        : symbols.length <= LIST_SYMBOLS_SHOWN
          ? symbols.join(", ")
          : `${symbols.slice(0, LIST_SYMBOLS_SHOWN).join(", ")} (+${symbols.length - LIST_SYMBOLS_SHOWN})`,
    minScore: subscription.minScore,
  };
}

function signalTypeName(type: string): SignalText {
  return findSignalDefinition(type)?.label ?? { en: type, vi: type };
}
