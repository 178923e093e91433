import type { AlertPriority } from "./alert-priority.ts";
import type { Bias, SignalType, SignalVariant } from "./signal-type.ts";
import type { Trend } from "./trend.ts";

/**
 * The features a signal was read from (vpa-signals.md §2), rounded to 4 decimals for output.
 * `degenerate` is the spec's flag for a bar with `high == low` (then `cl` is 0.5 by definition);
 * it is optional in the type so that records read back from storage without it still type-check,
 * but the core always sets it.
 *
 * `vr` and `sr` are `NaN` where the spec leaves them undefined (v1.1 §2: the 20-bar volume or
 * spread average is 0); `JSON.stringify` writes them as `null`.
 */
export interface SignalFeatures {
  readonly vr: number;
  readonly sr: number;
  readonly cl: number;
  readonly trend: Trend;
  readonly degenerate?: boolean;
}

/**
 * A signal at bar `time` (vpa-signals.md §3–§5, §9). It is final when emitted: a later
 * {@link ConfirmationRecord} refers to it, it never changes it.
 *
 * @example
 * // {"kind":"signal","symbol":"VCB","time":"2020-03-23","type":"SELLING_CLIMAX","bias":"bull","score":87,
 * //  "confidence":0.65,"priority":"HIGH","variant":null,"features":{"vr":2.8,"sr":1.9,"cl":0.62,"trend":"down",
 * //  "degenerate":false},"close":60.9,"volume":3812400,"priceChange":-0.008143}
 */
export interface SignalRecord {
  readonly kind: "signal";
  readonly symbol: string;
  readonly time: string;
  readonly type: SignalType;
  readonly bias: Bias;
  /** Integer 0..100 (§4). */
  readonly score: number;
  /** 0..0.8 at the signal's own bar, two decimals (§5); 0.2 is reserved for the confirmation. */
  readonly confidence: number;
  readonly priority: AlertPriority;
  /** The signal's §9 variant (SPRING: `spring` / `shakeout`), or `null`. */
  readonly variant: SignalVariant | null;
  readonly features: SignalFeatures;
  readonly close: number;
  readonly volume: number;
  /** `close[t] / close[t-1] - 1`, rounded to 6 decimals (0 if the previous close is not positive). */
  readonly priceChange: number;
}

/** Outcome of a signal one bar later (§6). A bar that does neither produces no record. */
export type ConfirmationOutcome = "confirmed" | "failed";

/**
 * The verdict on the signal at `refTime`, dated at the next bar `time` (vpa-signals.md §6).
 * `confidence` is the signal's confidence + 0.2 when confirmed, 0 when failed.
 *
 * @example
 * // {"kind":"confirmation","symbol":"VCB","time":"2020-03-24","refTime":"2020-03-23",
 * //  "type":"SELLING_CLIMAX","bias":"bull","outcome":"confirmed","confidence":0.85}
 */
export interface ConfirmationRecord {
  readonly kind: "confirmation";
  readonly symbol: string;
  readonly time: string;
  readonly refTime: string;
  readonly type: SignalType;
  readonly bias: Bias;
  readonly outcome: ConfirmationOutcome;
  readonly confidence: number;
}

/** Everything the analysis emits, in time order. */
export type VpaRecord = SignalRecord | ConfirmationRecord;
