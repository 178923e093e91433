/**
 * The evidence a signal carries (issue 12 item 2): how signals like it have done, from the stored
 * track record, as plain data (JSON-ready: `vpa signals --json`, webhooks). The rules are in this
 * folder's README.md. Glossary:
 * - **subject**: the signal the evidence is for (its type, bias, exchange, score and bar).
 * - **group**: the stored signals the figures come from: the subject's type and bias, narrowed by
 *   its exchange and score band as far as the outcomes allow.
 * - **level**: how narrow the group is: `type-exchange-score`, then `type-score`, then `type`.
 * - **final**: an outcome whose exit bar (t+h) exists; only final outcomes are in any figure.
 */
import { DEFAULT_MINIMUM_COUNT, type EdgeVerdict } from "@vpa/core";

/** The horizon every evidence line speaks of: 5 sessions, a trading week (tradeable under T+2). */
export const EVIDENCE_HORIZON = 5;

/**
 * A group is used when it has at least this many final outcomes and as many final chance entries:
 * the track record's own threshold for a verdict (`DEFAULT_MINIMUM_COUNT`), so a shown figure
 * always comes with one.
 */
export const EVIDENCE_MINIMUM_COUNT = DEFAULT_MINIMUM_COUNT;

/** From the narrowest group to the broadest: the first with enough outcomes is shown. */
export const EVIDENCE_LEVELS = ["type-exchange-score", "type-score", "type"] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

/** The signal evidence is looked up for. */
export interface EvidenceSubject {
  /** Spec §3 type, e.g. `SPRING`. */
  readonly type: string;
  readonly bias: "bull" | "bear";
  /** `HOSE`, `HNX`, `UPCOM`; null when the stock has none (the exchange level is skipped). */
  readonly exchange: string | null;
  /** 0–100. */
  readonly score: number;
  /** The signal's bar: `YYYY-MM-DD` for daily bars, an ISO-8601 instant for intraday ones. */
  readonly time: string;
  /** `1D`, `1W`, `15m`… when known; without it a bar time that is a date counts as daily. */
  readonly timeframe?: string;
}

/** The stored signals the figures come from. */
export interface EvidenceGroup {
  readonly level: EvidenceLevel;
  readonly type: string;
  readonly bias: "bull" | "bear";
  /** Null above the exchange level. */
  readonly exchange: string | null;
  /** vpa-core's SCORE_BANDS key (`70-79`); null at the type level. */
  readonly scoreBand: string | null;
}

/** Figures of a group with enough final outcomes. */
export interface EvidenceFigures {
  readonly status: "figures";
  /** Sessions from the signal's bar to the exit's close. */
  readonly horizon: number;
  readonly group: EvidenceGroup;
  /** Final outcomes, and those that went the signal's way (net of costs: up for bull, down for bear). */
  readonly count: number;
  readonly hits: number;
  readonly hitRate: number;
  /** The same for their chance entries (a random session of the same stock and year). */
  readonly chanceCount: number;
  readonly chanceHitRate: number;
  /** Mean net returns (a long trade, as the track record reports every signal). */
  readonly meanNetReturn: number;
  readonly chanceMeanNetReturn: number;
  /** 95% interval of mean(signal) − mean(chance): the verdict reads it. */
  readonly edgeInterval: { readonly low: number; readonly high: number };
  /** The track record's verdict on that interval (vpa-core `summarizeOutcomeGroup`), not recomputed. */
  readonly verdict: Exclude<EdgeVerdict, "too-few">;
  /** The newest day whose outcomes the figures may hold (`YYYY-MM-DD`). */
  readonly finalThrough: string;
}

/** No group has enough final outcomes yet (an empty track record, a new signal type). */
export interface EvidenceNotEnoughHistory {
  readonly status: "not-enough-history";
  readonly horizon: number;
  /** Final outcomes of the broadest group (the type and bias): 0 when there are none. */
  readonly count: number;
  readonly minimumCount: number;
}

/** The track record is of daily bars: an intraday (or weekly) signal has none. */
export interface EvidenceNotTracked {
  readonly status: "not-tracked";
}

export type SignalEvidence = EvidenceFigures | EvidenceNotEnoughHistory | EvidenceNotTracked;
