/**
 * The signal track record (issue 12): how every signal has done, net of Vietnamese costs, against
 * chance. Pure: the caller passes bars, signals and a seed. See README.md in this folder.
 */
export type { AdvancedOutcomes, MovedRow } from "./advance-outcomes.ts";
export { advanceOutcomes } from "./advance-outcomes.ts";
export { countBarsThrough, indexOfBarTime } from "./bar-search.ts";
export type { BootstrapIntervals, BootstrapOptions, ConfidenceInterval } from "./bootstrap-interval.ts";
export {
  bootstrapIntervals,
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_EXACT_BOOTSTRAP_LIMIT,
} from "./bootstrap-interval.ts";
export type { ChanceDraw, ChanceDrawInput } from "./chance-draw.ts";
export { chanceKey, drawChanceBar, MAX_CHANCE_CANDIDATES, weekdaysOfYear } from "./chance-draw.ts";
export type {
  EdgeOverChance,
  EdgeVerdict,
  OutcomeGroupSummary,
  OutcomeSummary,
  SignalSummary,
  SummarizeGroupOptions,
} from "./outcome-group-summary.ts";
export { DEFAULT_MINIMUM_COUNT, EDGE_VERDICTS, summarizeOutcomeGroup } from "./outcome-group-summary.ts";
export type { ReliabilityRow } from "./reliability-table.ts";
export { reliabilityTable, wilsonInterval } from "./reliability-table.ts";
export type { RoundTripCosts } from "./round-trip-costs.ts";
export { netLongReturn, nightsBetween, roundTripCosts, roundTripCostsOf } from "./round-trip-costs.ts";
export type { RandomSource } from "./seeded-random.ts";
export { mulberry32, seedFor } from "./seeded-random.ts";
export type {
  KnownChance,
  OutcomeRow,
  OutcomeSeries,
  SignalOutcome,
  TrackedSignal,
  TrackSignalsOptions,
  TradeOutcome,
} from "./signal-outcomes.ts";
export {
  averageTradedValue,
  isHit,
  knownLength,
  netReturnAfter,
  outcomeRows,
  trackSignals,
  tradeAfter,
} from "./signal-outcomes.ts";
export type {
  TrackedSymbol,
  TrackedUniverse,
  TrackRecord,
  TrackRecordGroup,
  TrackRecordInput,
  TrackRecordOptions,
} from "./track-record.ts";
export {
  computeTrackRecord,
  DEFAULT_TRACK_RECORD_SEED,
  summarizeTrackRecord,
  trackUniverse,
} from "./track-record.ts";
export type { TrackRecordBand } from "./track-record-bands.ts";
export {
  bandOf,
  CONFIDENCE_BANDS,
  confidenceBandOf,
  LIQUIDITY_BANDS,
  SCORE_BANDS,
} from "./track-record-bands.ts";
export type { TrackRecordDimension } from "./track-record-dimensions.ts";
export {
  compareGroupKeys,
  groupKeyOf,
  groupLabelOf,
  TRACK_RECORD_DIMENSIONS,
} from "./track-record-dimensions.ts";
export {
  checkHorizons,
  LONGEST_TRACK_RECORD_HORIZON,
  TRACK_RECORD_HORIZONS,
} from "./track-record-horizons.ts";
