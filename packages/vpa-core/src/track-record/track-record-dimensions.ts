import { SIGNAL_TYPES } from "../signal-type.ts";
import type { SignalOutcome } from "./signal-outcomes.ts";
import {
  bandOf,
  CONFIDENCE_BANDS,
  confidenceBandOf,
  LIQUIDITY_BANDS,
  SCORE_BANDS,
  type TrackRecordBand,
} from "./track-record-bands.ts";

/**
 * What the track record is broken down by. Every group is also split by bias (bull, bear), since
 * a hit means opposite things for the two: `ABSORPTION` is both, by its trend.
 * `all` is every signal of a bias; `year` is the signal's calendar year.
 */
export const TRACK_RECORD_DIMENSIONS = [
  "all",
  "type",
  "score",
  "confidence",
  "trend",
  "exchange",
  "liquidity",
  "year",
] as const;
export type TrackRecordDimension = (typeof TRACK_RECORD_DIMENSIONS)[number];

/** The group key of `outcome` in `dimension` (a band's ASCII key for banded dimensions). */
export function groupKeyOf(outcome: SignalOutcome, dimension: TrackRecordDimension): string {
  switch (dimension) {
    case "all":
      return "all";
    case "type":
      return outcome.signal.type;
    case "score":
      return bandOf(SCORE_BANDS, outcome.signal.score).key;
    case "confidence":
      return confidenceBandOf(outcome.signal.confidence).key;
    case "trend":
      return outcome.signal.features.trend;
    case "exchange":
      return outcome.exchange ?? "unknown";
    case "liquidity":
      return outcome.liquidityBand;
    case "year":
      return String(outcome.year);
  }
}

const BANDS: Partial<Record<TrackRecordDimension, readonly TrackRecordBand[]>> = {
  score: SCORE_BANDS,
  confidence: CONFIDENCE_BANDS,
  liquidity: LIQUIDITY_BANDS,
};
const FIXED_ORDER: Partial<Record<TrackRecordDimension, readonly string[]>> = {
  type: SIGNAL_TYPES,
  trend: ["up", "flat", "down"],
  exchange: ["HOSE", "HNX", "UPCOM", "unknown"],
};

/** Position of a key in its dimension's natural order (band order, spec order, then by text). */
export function compareGroupKeys(dimension: TrackRecordDimension, a: string, b: string): number {
  const order = BANDS[dimension]?.map((band) => band.key) ?? FIXED_ORDER[dimension];
  if (order !== undefined) {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A person's label for a key: the band's label (`70–79`) or the key itself. */
export function groupLabelOf(dimension: TrackRecordDimension, key: string): string {
  return BANDS[dimension]?.find((band) => band.key === key)?.label ?? key;
}
