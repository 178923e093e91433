/** Metrics a walk-forward may choose parameters by (higher is better for each). */
export const OPTIMIZE_METRICS = ["sharpe", "cagr", "calmar"] as const;
export type OptimizeMetric = (typeof OPTIMIZE_METRICS)[number];

/** What the choice reads of a candidate's training result (a run's PerformanceMetrics fits). */
export type CandidateMetrics = Readonly<Record<OptimizeMetric, number | null>>;

/**
 * The index of the best candidate by `metric`: the highest value; on a tie the first in grid
 * order. A candidate without a value (a failed run; an undefined ratio, e.g. Sharpe without a
 * trade) is never chosen; null when none has one: the test window is then held in cash.
 *
 * @example
 * chooseBestCandidate([{ sharpe: 0.4, cagr: 0.1, calmar: 1 }, { sharpe: 0.9, cagr: 0.05, calmar: 0.5 }], "sharpe"); // 1
 */
export function chooseBestCandidate(
  candidates: readonly (CandidateMetrics | null)[],
  metric: OptimizeMetric,
): number | null {
  let best: number | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    const value = candidates[i]?.[metric] ?? null;
    if (value === null || !Number.isFinite(value)) continue;
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}
