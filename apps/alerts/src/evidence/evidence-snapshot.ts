/**
 * The stored track record's final outcomes at the evidence horizon, held in memory, answering
 * "how have signals like this one done?" for any signal. Pure: built from the cells the
 * repository reads (`readTrackRecordCells`), no I/O; the figures and the verdict are vpa-core's
 * (`summarizeOutcomeGroup`), the same computation as `vpa study`.
 */
import {
  bandOf,
  type OutcomeGroupSummary,
  SCORE_BANDS,
  summarizeOutcomeGroup,
  type TrackRecordBand,
} from "@vpa/core";
import type { TrackRecordCell } from "@vpa/db";
import {
  EVIDENCE_HORIZON,
  EVIDENCE_MINIMUM_COUNT,
  type EvidenceGroup,
  type EvidenceLevel,
  type EvidenceSubject,
  type SignalEvidence,
} from "./signal-evidence.ts";

export interface EvidenceSnapshotOptions {
  /** The stored track record's seed: the bootstrap of each group is seeded from it. */
  readonly seed: number;
  /** The horizon the cells were read at. @defaultValue EVIDENCE_HORIZON (5) */
  readonly horizon?: number;
  /** @defaultValue EVIDENCE_MINIMUM_COUNT (30) */
  readonly minimumCount?: number;
  /**
   * Group summaries kept; past it the cache starts again (a long listing of old signals asks for
   * one per group and date).
   * @defaultValue 20,000
   */
  readonly maxCachedSummaries?: number;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `2021-07-05` → days since 1970-01-01 (the repository's day numbers). */
function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

interface BandedCell extends TrackRecordCell {
  readonly band: TrackRecordBand;
}

/**
 * @example
 * const snapshot = new EvidenceSnapshot(await readTrackRecordCells(db, { horizon: 5 }), { seed: 12 });
 * snapshot.evidenceFor({ type: "SPRING", bias: "bull", exchange: "HOSE", score: 72, time: "2021-07-05" });
 * // { status: "figures", group: { level: "type-exchange-score", ... }, hitRate: 0.58, count: 1240, ... }
 */
export class EvidenceSnapshot {
  /** The newest day any outcome became final; null when nothing is final. */
  readonly finalThroughDay: number | null;
  private readonly cells = new Map<string, BandedCell[]>();
  private readonly summaries = new Map<string, OutcomeGroupSummary>();
  private readonly horizon: number;
  private readonly minimumCount: number;
  private readonly options: EvidenceSnapshotOptions;

  constructor(cells: readonly TrackRecordCell[], options: EvidenceSnapshotOptions) {
    this.options = options;
    this.horizon = options.horizon ?? EVIDENCE_HORIZON;
    this.minimumCount = options.minimumCount ?? EVIDENCE_MINIMUM_COUNT;
    let newest: number | null = null;
    for (const cell of cells) {
      const key = `${cell.type}|${cell.bias}`;
      let list = this.cells.get(key);
      if (list === undefined) {
        list = [];
        this.cells.set(key, list);
      }
      list.push({ ...cell, band: bandOf(SCORE_BANDS, cell.score) });
      for (const day of cell.finalDays) if (newest === null || day > newest) newest = day;
      cell.chanceFinalDays.forEach((day, i) => {
        if (!Number.isNaN(cell.chanceNetReturns[i]) && (newest === null || day > newest)) newest = day;
      });
    }
    this.finalThroughDay = newest;
  }

  /**
   * The evidence for one signal: the narrowest group with enough final outcomes (README.md).
   *
   * No look-ahead: only outcomes final by the signal's own bar count (exit bar on or before it,
   * the chance entry's too), both known at that close, when the signal itself is first read. For
   * an alert this is everything stored anyway: the data ends at the alert's bar, so nothing later
   * can be final. For an older signal listed today (`vpa signals`, /signals) it leaves out what
   * became known after it.
   */
  evidenceFor(subject: EvidenceSubject): SignalEvidence {
    const daily = subject.timeframe === undefined ? DATE.test(subject.time) : subject.timeframe === "1D";
    if (!daily || !DATE.test(subject.time)) return { status: "not-tracked" };
    const signalDay = dayOf(subject.time);
    // Past the newest final day every outcome counts: one cached figure serves every such signal.
    const cutoff = this.finalThroughDay === null || signalDay >= this.finalThroughDay ? null : signalDay;
    const band = bandOf(SCORE_BANDS, subject.score);
    const groups: EvidenceGroup[] = [
      ...(subject.exchange === null
        ? []
        : [{ level: "type-exchange-score" as const, exchange: subject.exchange, scoreBand: band.key }]),
      { level: "type-score" as const, exchange: null, scoreBand: band.key },
      { level: "type" as const, exchange: null, scoreBand: null },
    ].map((g) => ({ ...g, type: subject.type, bias: subject.bias }));
    let broadest: OutcomeGroupSummary | undefined;
    for (const group of groups) {
      const summary = this.summaryOf(group, cutoff);
      broadest = summary;
      if (summary.verdict === "too-few") continue;
      const interval = summary.edge.interval!;
      return {
        status: "figures",
        horizon: this.horizon,
        group,
        count: summary.signals.count,
        hits: summary.signals.hits,
        hitRate: summary.signals.hitRate!,
        chanceCount: summary.chance.count,
        chanceHitRate: summary.chance.hitRate!,
        meanNetReturn: summary.signals.mean!,
        chanceMeanNetReturn: summary.chance.mean!,
        edgeInterval: { low: interval.low, high: interval.high },
        verdict: summary.verdict,
        finalThrough: dateOf(cutoff ?? this.finalThroughDay!),
      };
    }
    return {
      status: "not-enough-history",
      horizon: this.horizon,
      count: broadest?.signals.count ?? 0,
      minimumCount: this.minimumCount,
    };
  }

  /** A group's summary over the outcomes final by `cutoff` (every one when null), cached. */
  private summaryOf(group: EvidenceGroup, cutoff: number | null): OutcomeGroupSummary {
    const groupKey = `${group.level}|${group.type}|${group.bias}|${group.exchange}|${group.scoreBand}`;
    const byCutoff = `${groupKey}|${cutoff}`;
    const cached = this.summaries.get(byCutoff);
    if (cached !== undefined) return cached;
    const signals: number[] = [];
    const chance: number[] = [];
    for (const cell of this.cells.get(`${group.type}|${group.bias}`) ?? []) {
      if (group.exchange !== null && cell.exchange !== group.exchange) continue;
      if (group.scoreBand !== null && cell.band.key !== group.scoreBand) continue;
      for (let i = 0; i < cell.netReturns.length; i++) {
        if (cutoff !== null && cell.finalDays[i]! > cutoff) continue;
        signals.push(cell.netReturns[i]!);
        const chanceReturn = cell.chanceNetReturns[i]!;
        // NaN: the chance entry is not final (or there is none).
        if (Number.isNaN(chanceReturn) || (cutoff !== null && cell.chanceFinalDays[i]! > cutoff)) continue;
        chance.push(chanceReturn);
      }
    }
    // The outcomes final by a date only grow with the date, so two dates that count as many of
    // each count the same ones: a listing of many dates bootstraps each distinct sample once.
    const bySample = `${groupKey}#${signals.length}#${chance.length}`;
    const summary =
      this.summaries.get(bySample) ??
      summarizeOutcomeGroup(group.bias, Float64Array.from(signals), Float64Array.from(chance), {
        seed: this.options.seed,
        key: groupSeedKey(group, this.horizon),
        minimumCount: this.minimumCount,
      });
    if (this.summaries.size >= (this.options.maxCachedSummaries ?? 20_000)) this.summaries.clear();
    this.summaries.set(byCutoff, summary);
    this.summaries.set(bySample, summary);
    return summary;
  }
}

/**
 * The key a group's bootstrap is seeded from. The type level uses the study's own key
 * (`type|SPRING|bull|5`), so its verdict is the one `vpa study` prints for the type.
 */
function groupSeedKey(group: EvidenceGroup, horizon: number): string {
  const level: Record<EvidenceLevel, string> = {
    type: `type|${group.type}`,
    "type-score": `evidence|${group.type}|${group.scoreBand}`,
    "type-exchange-score": `evidence|${group.type}|${group.exchange}|${group.scoreBand}`,
  };
  return `${level[group.level]}|${group.bias}|${horizon}`;
}
