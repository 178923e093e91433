import type { SignalOutcome } from "./signal-outcomes.ts";
import { CONFIDENCE_BANDS, confidenceBandOf } from "./track-record-bands.ts";

/**
 * One row of the reliability (calibration) table: signals whose confidence at their own bar fell in
 * `band`, and how often they were right at `horizon`. A calibrated confidence would have
 * `hitRate ≈ meanConfidence`. The spec's confidence is a score, not a probability: this table
 * shows how far it is from one; the score itself is not changed. Both biases together (a hit is a
 * move the signal's way); chance's hit rate, for the same signals' chance entries, is the level a
 * meaningless confidence would reach.
 */
export interface ReliabilityRow {
  readonly horizon: number;
  /** Key of the {@link CONFIDENCE_BANDS} band. */
  readonly band: string;
  readonly label: string;
  /** Final signals in the band (their t+h bar exists). */
  readonly count: number;
  readonly meanConfidence: number | null;
  readonly hits: number;
  readonly hitRate: number | null;
  /** Wilson 95% interval of the hit rate; null when the band is empty. */
  readonly hitRateInterval: { readonly low: number; readonly high: number } | null;
  readonly chanceCount: number;
  readonly chanceHitRate: number | null;
}

/**
 * Wilson score interval (95%) of a proportion `hits / count`: stays inside [0, 1] and behaves for
 * small counts, unlike p ± 1.96·√(p(1−p)/n).
 *
 * @example
 * wilsonInterval(50, 100); // { low: 0.4038…, high: 0.5961… }
 */
export function wilsonInterval(hits: number, count: number): { low: number; high: number } | null {
  if (count === 0) return null;
  const z = 1.959963984540054;
  const p = hits / count;
  const denominator = 1 + (z * z) / count;
  const centre = (p + (z * z) / (2 * count)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / count + (z * z) / (4 * count * count))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The reliability table from outcomes and their net returns per horizon (`returns[h][i]` is
 * outcome i's at `horizons[h]`, NaN while not final; the same for chance).
 */
export function reliabilityTable(
  outcomes: readonly SignalOutcome[],
  horizons: readonly number[],
  returns: readonly Float64Array[],
  chanceReturns: readonly Float64Array[],
): ReliabilityRow[] {
  const bandIndex = new Map(CONFIDENCE_BANDS.map((band, i) => [band.key, i]));
  const bandOfOutcome = outcomes.map((o) => bandIndex.get(confidenceBandOf(o.signal.confidence).key)!);
  const rows: ReliabilityRow[] = [];
  for (let h = 0; h < horizons.length; h++) {
    const bands = CONFIDENCE_BANDS.map(() => ({
      count: 0,
      confidence: 0,
      hits: 0,
      chanceCount: 0,
      chanceHits: 0,
    }));
    for (let i = 0; i < outcomes.length; i++) {
      const r = returns[h]![i]!;
      if (Number.isNaN(r)) continue;
      const o = outcomes[i]!;
      const bull = o.signal.bias === "bull";
      const tally = bands[bandOfOutcome[i]!]!;
      tally.count++;
      tally.confidence += o.signal.confidence;
      if (bull ? r > 0 : r < 0) tally.hits++;
      const c = chanceReturns[h]![i]!;
      if (Number.isNaN(c)) continue;
      tally.chanceCount++;
      if (bull ? c > 0 : c < 0) tally.chanceHits++;
    }
    CONFIDENCE_BANDS.forEach((band, b) => {
      const t = bands[b]!;
      rows.push({
        horizon: horizons[h]!,
        band: band.key,
        label: band.label,
        count: t.count,
        meanConfidence: t.count === 0 ? null : t.confidence / t.count,
        hits: t.hits,
        hitRate: t.count === 0 ? null : t.hits / t.count,
        hitRateInterval: wilsonInterval(t.hits, t.count),
        chanceCount: t.chanceCount,
        chanceHitRate: t.chanceCount === 0 ? null : t.chanceHits / t.chanceCount,
      });
    });
  }
  return rows;
}
