import type { VariantOf } from "./signals/signal-definition.ts";
import type { SignalType } from "./signals/signal-registry.ts";
import { SIGNAL_REGISTRY } from "./signals/signal-registry.ts";
import type { springSignal } from "./signals/spring.ts";

export type { SignalType, SignalVariant } from "./signals/signal-registry.ts";

/**
 * Every signal the spec defines (vpa-signals.md §3), read from the registry, in its priority order.
 *
 * @example
 * const isKnown = (s: string): s is SignalType => (SIGNAL_TYPES as readonly string[]).includes(s);
 */
export const SIGNAL_TYPES: readonly SignalType[] = Object.freeze(
  SIGNAL_REGISTRY.map((definition) => definition.type),
);

/** Which way a signal reads the market: `bull` expects higher prices, `bear` lower. */
export type Bias = "bull" | "bear";

/** `SPRING` variant (§3): `shakeout` when it came on high volume (`vr >= 1.5`), else `spring`. */
export type SpringVariant = VariantOf<typeof springSignal>;
