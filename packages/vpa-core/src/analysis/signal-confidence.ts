/**
 * Confidence of a signal at its own bar (vpa-signals.md §5), in integer hundredths so that the
 * sums are exact (0.5 + 0.15 + 0.15 is 0.8000000000000002 in floating point):
 * start at 50; +15 if another signal of the same bias was emitted in bars t-20 .. t-1; +15 if the
 * trend agrees; −20 once if the history is thin (t < 60, or a zero-volume bar among the prior 20 —
 * either condition, not both counted); clamp to [0, 80] — the last 20 are reserved for the confirmation.
 *
 * @example
 * signalConfidenceHundredths(false, true, false); // 65 → confidence 0.65
 */
export function signalConfidenceHundredths(
  recentSameBiasSignal: boolean,
  trendAgrees: boolean,
  thinHistory: boolean,
): number {
  let hundredths = 50;
  if (recentSameBiasSignal) hundredths += 15;
  if (trendAgrees) hundredths += 15;
  if (thinHistory) hundredths -= 20;
  return Math.max(0, Math.min(80, hundredths));
}

/** Confidence carried by a confirmation record: +0.2 when confirmed, 0 when failed (§6). */
export const CONFIRMATION_BONUS_HUNDREDTHS = 20;
