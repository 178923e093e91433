/** Alert priorities, most urgent first (vpa-signals.md §7). */
export const ALERT_PRIORITIES = ["HIGH", "MEDIUM", "LOW"] as const;

export type AlertPriority = (typeof ALERT_PRIORITIES)[number];

/**
 * Alert priority of a signal (vpa-signals.md §7): `HIGH` when score >= 80 and confidence >= 0.65,
 * `MEDIUM` when score >= 60, else `LOW`.
 *
 * @example
 * alertPriority(87, 0.65); // "HIGH"
 * alertPriority(87, 0.6);  // "MEDIUM": a strong bar without enough context
 * alertPriority(59, 0.8);  // "LOW"
 */
export function alertPriority(score: number, confidence: number): AlertPriority {
  if (score >= 80 && confidence >= 0.65) return "HIGH";
  if (score >= 60) return "MEDIUM";
  return "LOW";
}
