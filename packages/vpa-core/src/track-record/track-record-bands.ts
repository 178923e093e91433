/**
 * The bands the track record is broken down by, as data: each says where it starts and why it is
 * there. A value belongs to the band with `min <= value < max` (the last band is open above).
 */
export interface TrackRecordBand {
  /** ASCII key, stable: stored in the database and typed on the command line (`70-79`). */
  readonly key: string;
  /** How a person reads it (`70–79`). */
  readonly label: string;
  readonly min: number;
  /** Exclusive; `Infinity` for the last band. */
  readonly max: number;
  readonly reason: string;
}

/**
 * Score bands (vpa-signals.md §4). The spec's priorities cut at 60 (MEDIUM) and 80 (HIGH); tens in
 * between show whether a higher score buys a better outcome at all.
 */
export const SCORE_BANDS: readonly TrackRecordBand[] = [
  { key: "0-49", label: "<50", min: 0, max: 50, reason: "weak: below half the points of a textbook case" },
  { key: "50-59", label: "50–59", min: 50, max: 60, reason: "LOW priority, the upper half" },
  { key: "60-69", label: "60–69", min: 60, max: 70, reason: "MEDIUM priority starts at 60" },
  {
    key: "70-79",
    label: "70–79",
    min: 70,
    max: 80,
    reason: "MEDIUM; the Telegram bot's default alert threshold is 70",
  },
  {
    key: "80-100",
    label: "80+",
    min: 80,
    max: Infinity,
    reason: "HIGH priority needs 80 (and confidence ≥ 0.65)",
  },
];

/**
 * Confidence bands for the reliability table (vpa-signals.md §5). Confidence is the signal's own,
 * at its bar (0–0.8): the +0.2 of a confirmation comes at the close of t+1, after the entry at
 * t+1's open, so using it would look ahead. Compared on hundredths: 0.8 is in the last band.
 */
export const CONFIDENCE_BANDS: readonly TrackRecordBand[] = [
  {
    key: "0.0-0.2",
    label: "0.0–0.2",
    min: 0,
    max: 0.2,
    reason: "empty at the signal's bar: the lowest there is 0.3 (0 comes only with a failed confirmation)",
  },
  {
    key: "0.2-0.4",
    label: "0.2–0.4",
    min: 0.2,
    max: 0.4,
    reason: "0.3: short history or a zero-volume day (−0.2), nothing in favour",
  },
  {
    key: "0.4-0.6",
    label: "0.4–0.6",
    min: 0.4,
    max: 0.6,
    reason: "0.5, the starting point; 0.45 = one point in favour (+0.15) and the −0.2",
  },
  {
    key: "0.6-0.8",
    label: "0.6–0.8",
    min: 0.6,
    max: 0.8,
    reason: "0.65: an earlier signal of the same bias or an agreeing trend; 0.6 = both and the −0.2",
  },
  {
    key: "0.8-1.0",
    label: "0.8–1.0",
    min: 0.8,
    max: Infinity,
    reason: "0.8: both, the most a signal has at its own bar",
  },
];

/** 1 billion VND. */
const BILLION = 1e9;

/**
 * Liquidity bands by the 20-bar average traded value (close × volume, VND per session, the 20 bars
 * up to and including the signal's). A retail order of 100–500 million VND is a large part of a
 * thin session and moves its open; the figures of thin names are the least tradeable.
 * The data's prices are adjusted for dividends and splits, so older values read low; and the
 * market's turnover grew about a hundredfold from 2006 to 2021: early years sit in the lower bands.
 */
export const LIQUIDITY_BANDS: readonly TrackRecordBand[] = [
  {
    key: "under-1bn",
    label: "<1 tỷ/bn VND",
    min: 0,
    max: BILLION,
    reason: "thin: a 100-million-VND order is a tenth of a session or more; the open is a poor fill",
  },
  {
    key: "1-10bn",
    label: "1–10 tỷ/bn",
    min: BILLION,
    max: 10 * BILLION,
    reason: "small caps: a few hundred million VND moves the price",
  },
  {
    key: "10-100bn",
    label: "10–100 tỷ/bn",
    min: 10 * BILLION,
    max: 100 * BILLION,
    reason: "mid caps: retail orders fill near the quote",
  },
  {
    key: "100bn-plus",
    label: "≥100 tỷ/bn",
    min: 100 * BILLION,
    max: Infinity,
    reason: "the most traded names (the VN30 in 2020–2021)",
  },
];

/**
 * The band `value` falls in; the first band for values below every band's `min`.
 *
 * @example
 * bandOf(SCORE_BANDS, 72).key; // "70-79"
 */
export function bandOf(bands: readonly TrackRecordBand[], value: number): TrackRecordBand {
  for (let i = bands.length - 1; i > 0; i--) if (value >= bands[i]!.min) return bands[i]!;
  return bands[0]!;
}

/** The confidence band, compared on hundredths so that 0.8 (stored as 0.80) is never 0.7999…. */
export function confidenceBandOf(confidence: number): TrackRecordBand {
  return bandOf(CONFIDENCE_BANDS, Math.round(confidence * 100) / 100);
}
