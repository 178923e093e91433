/**
 * Every signal the spec defines (vpa-signals.md §3), in the spec's table order.
 * Priority among signals of one bar is a separate rule: see `select-bull-signal.ts` / `select-bear-signal.ts`.
 *
 * @example
 * const isKnown = (s: string): s is SignalType => (SIGNAL_TYPES as readonly string[]).includes(s);
 */
export const SIGNAL_TYPES = [
  "SELLING_CLIMAX",
  "BUYING_CLIMAX",
  "SPRING",
  "UPTHRUST",
  "STOPPING_VOLUME",
  "EFFORT_TO_RISE",
  "EFFORT_TO_FALL",
  "NO_DEMAND",
  "NO_SUPPLY",
  "TEST",
  "ABSORPTION",
] as const;

export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Which way a signal reads the market: `bull` expects higher prices, `bear` lower. */
export type Bias = "bull" | "bear";

/** `SPRING` variant (§3): `shakeout` when it came on high volume (`vr >= 1.5`), else `spring`. */
export type SpringVariant = "spring" | "shakeout";
