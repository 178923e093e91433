/**
 * `lin(x, a, b) = clamp((x − a) / (b − a), 0, 1)` (vpa-signals.md §4): 0 at the gate threshold `a`,
 * 1 at the "extreme" value `b`. When `b < a`, lower values score higher.
 *
 * @example
 * linearScore(3, 2, 4);    // 0.5
 * linearScore(0.4, 1, 0.5); // 1 (clamped: lower is better, 0.4 is beyond the extreme)
 */
export function linearScore(x: number, a: number, b: number): number {
  const score = (x - a) / (b - a);
  if (score >= 1) return 1;
  if (score > 0) return score;
  return 0; // also for NaN, which a gate already excludes
}

/**
 * `Math.round(context × (40·sv + 30·ss + 30·sc))` (vpa-signals.md §4), kept in exactly this
 * arithmetic order so that hand-computed expectations in the tests match bit for bit.
 *
 * @example
 * signalScore(1, 0.5, 2 / 3, 0.2); // 46
 */
export function signalScore(
  context: number,
  volumeScore: number,
  spreadScore: number,
  closeScore: number,
): number {
  return Math.round(context * (40 * volumeScore + 30 * spreadScore + 30 * closeScore));
}
