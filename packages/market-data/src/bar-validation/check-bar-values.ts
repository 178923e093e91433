import { MAX_VOLUME, PRICE_JUMP_FACTOR, SANE_PRICE_RANGE } from "./sane-price-range.ts";

/**
 * Why the numbers of a bar cannot be stored, checked in this order (the first that applies wins).
 * The importer, the HTTP providers and the live stream all use {@link checkBarValues}, so a bar is
 * judged the same wherever it comes from.
 *
 * | problem               | rule                                                                             |
 * | --------------------- | -------------------------------------------------------------------------------- |
 * | `not-a-number`        | a price or the volume is NaN: missing, or text not in plain decimal notation      |
 * | `non-positive-price`  | open, high, low or close <= 0                                                      |
 * | `price-out-of-range`  | a positive price outside {@link SANE_PRICE_RANGE} (infinite included)             |
 * | `negative-volume`     | volume < 0 (zero-volume days are real and kept)                                   |
 * | `bad-volume`          | volume not a whole number of shares, or above {@link MAX_VOLUME}                   |
 * | `high-below-low`      | high < low                                                                         |
 * | `open-outside-range`  | open outside [low, high]                                                           |
 * | `close-outside-range` | close outside [low, high]                                                          |
 * | `price-jump`          | high or low {@link PRICE_JUMP_FACTOR}× or more away from the bar's own close (no |
 * |                       | exchange band allows it: a garbage high or low, e.g. SSI 2006-12-15 low 0.0092   |
 * |                       | under a close of 15.29 in the shared dataset)                                    |
 *
 * Volumes must be whole: no source in the shared data has a fractional one (1500.0 is whole and
 * fine), and a fraction means another unit (lots, thousands or millions of shares) that rounding
 * would silently turn into a wrong count.
 */
export const BAR_VALUE_PROBLEMS = [
  "not-a-number",
  "non-positive-price",
  "price-out-of-range",
  "negative-volume",
  "bad-volume",
  "high-below-low",
  "open-outside-range",
  "close-outside-range",
  "price-jump",
] as const;
export type BarValueProblem = (typeof BAR_VALUE_PROBLEMS)[number];

export const BAR_VALUE_FIELDS = ["open", "high", "low", "close", "volume"] as const;
export type BarValueField = (typeof BAR_VALUE_FIELDS)[number];

/** Prices in thousand VND (or index points), volume in shares. */
export type BarValues = Readonly<Record<BarValueField, number>>;

/** A problem and a sentence naming the values, e.g. `high 1e+300 is outside the sane range ...`. */
export interface BarValueIssue {
  readonly problem: BarValueProblem;
  readonly detail: string;
}

const PRICE_FIELDS = ["open", "high", "low", "close"] as const;
const RANGE_TEXT = `${SANE_PRICE_RANGE.min}–${SANE_PRICE_RANGE.max.toLocaleString("en-US")} thousand VND`;

/**
 * Checks the numbers of one bar; null when they can be stored. `texts` are the values as the source
 * wrote them (the importer's fields), shown in the detail instead of the numbers when given.
 * Allocates nothing unless it finds a problem (the importer calls it for every row).
 *
 * @example
 * checkBarValues({ open: 10, high: 1e300, low: 9, close: 1e300, volume: 5 });
 * // { problem: "price-out-of-range", detail: "high 1e+300 is outside the sane range 0.0001–10,000,000 thousand VND" }
 */
export function checkBarValues(bar: BarValues, texts?: BarValueTexts): BarValueIssue | null {
  const { open, high, low, close, volume } = bar;
  if (
    Number.isNaN(open) ||
    Number.isNaN(high) ||
    Number.isNaN(low) ||
    Number.isNaN(close) ||
    Number.isNaN(volume)
  )
    return notANumber(bar, texts);
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
    const [o, h, l, c] = PRICE_FIELDS.map((field) => shown(bar, texts, field));
    return { problem: "non-positive-price", detail: `o=${o} h=${h} l=${l} c=${c}` };
  }
  const { min, max } = SANE_PRICE_RANGE;
  if (
    !(
      open >= min &&
      open <= max &&
      high >= min &&
      high <= max &&
      low >= min &&
      low <= max &&
      close >= min &&
      close <= max
    )
  )
    return outOfRange(bar, texts);
  if (volume < 0) return { problem: "negative-volume", detail: `volume ${shown(bar, texts, "volume")}` };
  if (!Number.isInteger(volume) || volume > MAX_VOLUME) {
    return {
      problem: "bad-volume",
      detail: `volume ${shown(bar, texts, "volume")} is not a whole number of shares up to 2^53`,
    };
  }
  if (high < low)
    return {
      problem: "high-below-low",
      detail: `high ${shown(bar, texts, "high")} < low ${shown(bar, texts, "low")}`,
    };
  if (open < low || open > high) return outsideRange("open", bar, texts);
  if (close < low || close > high) return outsideRange("close", bar, texts);
  if (isPriceJump(high, close) || isPriceJump(low, close)) {
    const field = isPriceJump(high, close) ? "high" : "low";
    return {
      problem: "price-jump",
      detail: `${field} ${shown(bar, texts, field)} is ${describePriceJump(bar[field], close)} close ${shown(bar, texts, "close")} of the same bar`,
    };
  }
  return null;
}

/** The values as the source wrote them (text, or a JSON number), by field. */
export type BarValueTexts = Readonly<Record<BarValueField, string | number>>;

function shown(bar: BarValues, texts: BarValueTexts | undefined, field: BarValueField): string {
  return texts === undefined ? String(bar[field]) : String(texts[field]);
}

function notANumber(bar: BarValues, texts: BarValueTexts | undefined): BarValueIssue {
  const field = BAR_VALUE_FIELDS.find((name) => Number.isNaN(bar[name])) as BarValueField;
  const text = texts?.[field];
  return {
    problem: "not-a-number",
    detail:
      text === ""
        ? `${field} is empty`
        : typeof text === "string"
          ? `${field} ${JSON.stringify(text)} is not a plain decimal number`
          : `${field} is not a number`,
  };
}

function outOfRange(bar: BarValues, texts: BarValueTexts | undefined): BarValueIssue {
  const { min, max } = SANE_PRICE_RANGE;
  const field = PRICE_FIELDS.find((name) => !(bar[name] >= min && bar[name] <= max)) as BarValueField;
  const text = shown(bar, texts, field);
  // A file in VND is divided by 1000 before the check: show the value checked too.
  const converted = texts !== undefined && Number(texts[field]) !== bar[field] ? ` (${bar[field]})` : "";
  return {
    problem: "price-out-of-range",
    detail: `${field} ${text}${converted} is outside the sane range ${RANGE_TEXT}`,
  };
}

function outsideRange(
  field: "open" | "close",
  bar: BarValues,
  texts: BarValueTexts | undefined,
): BarValueIssue {
  return {
    problem: field === "open" ? "open-outside-range" : "close-outside-range",
    detail: `${field} ${shown(bar, texts, field)} not in [${shown(bar, texts, "low")}, ${shown(bar, texts, "high")}]`,
  };
}

/**
 * How far `price` is from `reference` as a factor >= 1 (either direction): 1000 for 23,450
 * against 23.45 and for 0.02345 against 23.45.
 */
export function priceJumpFactor(price: number, reference: number): number {
  return price >= reference ? price / reference : reference / price;
}

/** Whether `price` is {@link PRICE_JUMP_FACTOR}× `reference` or more, in either direction. */
export function isPriceJump(price: number, reference: number): boolean {
  return priceJumpFactor(price, reference) >= PRICE_JUMP_FACTOR;
}

/**
 * The first price of `bar` (close, then high, then low: open lies within [low, high]) that is a
 * {@link isPriceJump} from `referenceClose`, or null. With high and low checked, a bar whose close
 * is sane but whose range reaches 100× away is caught too.
 */
export function findPriceJump(
  bar: Readonly<Record<"high" | "low" | "close", number>>,
  referenceClose: number,
): "close" | "high" | "low" | null {
  if (isPriceJump(bar.close, referenceClose)) return "close";
  if (isPriceJump(bar.high, referenceClose)) return "high";
  if (isPriceJump(bar.low, referenceClose)) return "low";
  return null;
}

/**
 * "1000× the" or "1/1000 of the", for a sentence such as `close 23450 is 1000× the stored close
 * 23.45`: the factor rounded to 3 significant digits.
 */
export function describePriceJump(price: number, reference: number): string {
  const factor = Number(priceJumpFactor(price, reference).toPrecision(3));
  return price >= reference ? `${factor}× the` : `1/${factor} of the`;
}
