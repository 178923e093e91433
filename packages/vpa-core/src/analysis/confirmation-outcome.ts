import type { Bias } from "../signal-type.ts";
import type { ConfirmationOutcome } from "../vpa-record.ts";

/**
 * Verdict of the bar after a signal (vpa-signals.md §6). Bull: `confirmed` when
 * `close[t+1] > close[t]`, `failed` when `close[t+1] < low[t]`. Bear: `confirmed` when
 * `close[t+1] < close[t]`, `failed` when `close[t+1] > high[t]`. Otherwise (e.g. an unchanged
 * close, or a bull signal's next close between its low and close) `null`: no record at all.
 * Both can never hold at once because `low <= close <= high`.
 *
 * @example
 * confirmationOutcome("bull", 101, 100, 97, 102); // "confirmed"
 * confirmationOutcome("bull", 99, 100, 97, 102);  // null: lower, but not below the signal's low
 * confirmationOutcome("bear", 103, 100, 97, 102); // "failed"
 */
export function confirmationOutcome(
  bias: Bias,
  nextClose: number,
  signalClose: number,
  signalLow: number,
  signalHigh: number,
): ConfirmationOutcome | null {
  if (bias === "bull") {
    if (nextClose > signalClose) return "confirmed";
    if (nextClose < signalLow) return "failed";
    return null;
  }
  if (nextClose < signalClose) return "confirmed";
  if (nextClose > signalHigh) return "failed";
  return null;
}
