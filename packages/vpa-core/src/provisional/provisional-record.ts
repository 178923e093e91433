import type { SignalRecord } from "../vpa-record.ts";

/** How the forming bar's volume was projected (vpa-signals.md §10). */
export interface VolumeProjection {
  /** `f`: share of the bar's continuous trading time elapsed, (0, 1]. */
  readonly elapsedFraction: number;
  /** `v`: the forming bar's volume so far. */
  readonly volumeSoFar: number;
  /** `V = v / f`: the whole bar's volume at the pace so far. */
  readonly projectedVolume: number;
  /** `tod`: the same time of day's mean bar volume, or null when fewer than 5 sessions are known. */
  readonly timeOfDayVolume: number | null;
  /** Market time of the evaluation, epoch ms. */
  readonly evaluatedAt: number;
}

/**
 * A provisional signal: what the forming bar would be if it closed at the pace so far. The signal
 * fields mean what they mean in a {@link SignalRecord} (`volume` and `features.vr` are the
 * projected ones the gates saw); it is never stored, tracked or backtested.
 *
 * @example
 * // {"kind":"provisional","symbol":"VN30F1M","time":"2023-11-20T10:07:00+07:00","type":"EFFORT_TO_RISE",
 * //  "bias":"bull","score":71,...,"projection":{"elapsedFraction":0.5,"volumeSoFar":180,"projectedVolume":360,
 * //  "timeOfDayVolume":95,"evaluatedAt":1700449650000}}
 */
export interface ProvisionalRecord extends Omit<SignalRecord, "kind"> {
  readonly kind: "provisional";
  readonly projection: VolumeProjection;
}
