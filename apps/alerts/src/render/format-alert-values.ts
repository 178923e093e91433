/**
 * Display formats for the numbers and dates in alerts, digests and bot replies, per language.
 * Plain text in, plain text out: callers escape for HTML afterwards.
 *
 * - `en`: `23,450 VND`, `+2.40%`, `2.8×`, `2021-07-05`.
 * - `vi`: `23.450 đ`, `+2,40 %`, `2,8×`, `05/07/2021`: the way Vietnamese quote boards and banks
 *   write them (dot groups thousands, comma before decimals, a space before % and đ).
 *
 * Units: prices inside the system are in thousand VND (`23.45` = 23,450 VND, the way HOSE/HNX
 * quote boards show them); alerts show whole VND. A VN30 future's price is stored the same way
 * but is an index level (1,250.3 = 1,250.3 points), and is shown as one: `1.250,3 điểm`. A
 * non-finite number (a bug upstream) renders as the catalogue's "n/a" instead of throwing, so one
 * bad field never blocks a whole alert. The locales are named explicitly: the output never
 * depends on the machine's locale.
 */
import { market } from "@vpa/core";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";

interface NumberConventions {
  readonly locale: string;
  readonly currency: string;
  /** A VN30 future's price unit: index points. */
  readonly points: string;
  /** Between a number and `%`. */
  readonly percentGap: string;
}

const CONVENTIONS: { readonly [L in Language]: NumberConventions } = {
  en: { locale: "en-US", currency: "VND", points: "points", percentGap: "" },
  vi: { locale: "vi-VN", currency: "đ", points: "điểm", percentGap: " " },
};

const wholeNumbers = new Map(
  Object.entries(CONVENTIONS).map(([language, c]) => [
    language,
    new Intl.NumberFormat(c.locale, { maximumFractionDigits: 0 }),
  ]),
);

/**
 * One formatter per language and number of decimals, made on first use: building an
 * `Intl.NumberFormat` costs ~50× a `format` call, and a burst of alerts formats thousands of
 * numbers (it was 5 % of the alerts worker's CPU in a bar close's burst).
 */
const fixedFormats = new Map<string, Intl.NumberFormat>();

/** `digits` decimals exactly, in the language's notation: `2.40` / `2,40`. */
function fixed(value: number, digits: number, language: Language): string {
  const key = `${language}:${digits}`;
  let format = fixedFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(CONVENTIONS[language].locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: true,
    });
    fixedFormats.set(key, format);
  }
  return format.format(value);
}

/**
 * A whole number with the language's digit grouping.
 *
 * @example
 * formatWholeNumber(1234567, "vi"); // "1.234.567"
 */
export function formatWholeNumber(value: number, language: Language): string {
  if (!Number.isFinite(value)) return catalogueFor(language).notAvailable;
  return (wholeNumbers.get(language) ?? wholeNumbers.get("en")!).format(value);
}

/**
 * A symbol's price given in thousand VND (as stored): a stock's as whole VND, a VN30 future's as
 * the index points it is, to one decimal (its tick is 0.1 point).
 *
 * @example
 * formatPrice("VCB", 23.45, "en");       // "23,450 VND"
 * formatPrice("VCB", 23.45, "vi");       // "23.450 đ"
 * formatPrice("VN30F1M", 1250.3, "vi");  // "1.250,3 điểm"
 */
export function formatPrice(symbol: string, priceInThousandVnd: number, language: Language): string {
  if (!Number.isFinite(priceInThousandVnd)) return catalogueFor(language).notAvailable;
  return `${priceNumber(symbol, priceInThousandVnd, language)} ${priceUnit(symbol, language)}`;
}

/**
 * An index level, or a VN30 future's price, in points to one decimal, without the unit.
 *
 * @example
 * formatIndexPoints(1250.3, "vi"); // "1.250,3"
 */
export function formatIndexPoints(points: number, language: Language): string {
  if (!Number.isFinite(points)) return catalogueFor(language).notAvailable;
  return fixed(points, 1, language);
}

/** The number of {@link formatPrice}: whole VND, or points to one decimal. */
function priceNumber(symbol: string, priceInThousandVnd: number, language: Language): string {
  return market.isIndexFuture(symbol)
    ? formatIndexPoints(priceInThousandVnd, language)
    : formatWholeNumber(Math.round(priceInThousandVnd * 1000), language);
}

function priceUnit(symbol: string, language: Language): string {
  return market.isIndexFuture(symbol) ? CONVENTIONS[language].points : CONVENTIONS[language].currency;
}

/**
 * The change against the previous close, given as a fraction the way vpa-core emits it
 * (`close[t] / close[t-1] - 1`, see `SignalRecord.priceChange`): as a percentage with two
 * decimals, followed by the same change in the price's unit ({@link formatPrice}), derived from
 * the close (thousand VND).
 *
 * @example
 * formatPriceChange("VCB", 0.024017, 23.45, "en");       // "+2.40% (+550 VND)"
 * formatPriceChange("VCB", 0.024017, 23.45, "vi");       // "+2,40 % (+550 đ)"
 * formatPriceChange("VCB", -0.008143, 60.9, "en");       // "-0.81% (-500 VND)"
 * formatPriceChange("VN30F1M", 0.0105, 1263.4, "vi");    // "+1,05 % (+13,1 điểm)"
 */
export function formatPriceChange(
  symbol: string,
  changeFraction: number,
  closeInThousandVnd: number,
  language: Language,
): string {
  if (!Number.isFinite(changeFraction)) return catalogueFor(language).notAvailable;
  const { percentGap } = CONVENTIONS[language];
  const percent = changeFraction * 100;
  const roundedPercent = Math.abs(percent).toFixed(2);
  const sign = roundedPercent === "0.00" ? "" : percent > 0 ? "+" : "-";
  const relative = `${sign}${fixed(Number(roundedPercent), 2, language)}${percentGap}%`;
  if (!Number.isFinite(closeInThousandVnd) || 1 + changeFraction <= 0) return relative;
  const previousClose = closeInThousandVnd / (1 + changeFraction);
  // In the unit shown, rounded first: a change that rounds to nothing has no sign.
  const change = market.isIndexFuture(symbol)
    ? Math.round((closeInThousandVnd - previousClose) * 10) / 10
    : Math.round((closeInThousandVnd - previousClose) * 1000) / 1000;
  const changeSign = change > 0 ? "+" : change < 0 ? "-" : "";
  return `${relative} (${changeSign}${priceNumber(symbol, Math.abs(change), language)} ${priceUnit(symbol, language)})`;
}

/**
 * Confidence (0–1, spec §5) as a whole percentage.
 *
 * @example
 * formatConfidence(0.65, "en"); // "65%"
 * formatConfidence(0.65, "vi"); // "65 %"
 */
export function formatConfidence(confidence: number, language: Language): string {
  if (!Number.isFinite(confidence)) return catalogueFor(language).notAvailable;
  return `${Math.round(confidence * 100)}${CONVENTIONS[language].percentGap}%`;
}

/**
 * Volume ratio (spec §2 `vr`: volume over its 20-bar average): one decimal, two below 1 where
 * one decimal would hide the difference between 0.45 and 0.54. The catalogue says what it is
 * measured against (`volumeVsAverage`).
 *
 * @example
 * formatVolumeRatio(2.8, "en");  // "2.8×"
 * formatVolumeRatio(0.45, "vi"); // "0,45×"
 */
export function formatVolumeRatio(volumeRatio: number, language: Language): string {
  if (!Number.isFinite(volumeRatio)) return catalogueFor(language).notAvailable;
  return `${fixed(volumeRatio, volumeRatio < 1 ? 2 : 1, language)}×`;
}

/** Vietnam has used UTC+7 all year since 1975 (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** `YYYY-MM-DD` in the language's order: as is, or `DD/MM/YYYY`. */
function formatDate(isoDate: string, language: Language): string {
  if (language === "en") return isoDate;
  const [year, month, day] = isoDate.split("-");
  return `${day}/${month}/${year}`;
}

/**
 * The signal's bar time (spec §9): a daily bar's date as is, an intraday instant in Vietnam time,
 * where the exchanges trade. Anything unparseable is shown verbatim.
 *
 * @example
 * formatBarTime("2021-07-05", "en");           // "2021-07-05"
 * formatBarTime("2021-07-05", "vi");           // "05/07/2021"
 * formatBarTime("2024-05-10T02:15:00Z", "en"); // "2024-05-10 09:15 (UTC+7)"
 */
export function formatBarTime(time: string, language: Language): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(time)) return formatDate(time, language);
  const instant = Date.parse(time);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(time) || Number.isNaN(instant)) return time;
  return `${formatVietnamTime(instant, language)} (UTC+7)`;
}

/**
 * An instant as a date and minute in Vietnam time, without the zone (the sentence around it says
 * "Vietnam time").
 *
 * @example
 * formatVietnamTime(Date.parse("2021-07-05T07:00:00Z"), "vi"); // "05/07/2021 14:00"
 */
export function formatVietnamTime(epochMs: number, language: Language): string {
  if (!Number.isFinite(epochMs)) return catalogueFor(language).notAvailable;
  const local = new Date(epochMs + VIETNAM_OFFSET_MS).toISOString();
  return `${formatDate(local.slice(0, 10), language)} ${local.slice(11, 16)}`;
}

/**
 * A return given as a fraction, as a signed percentage with `digits` decimals (a paper
 * portfolio's day, an index's day).
 *
 * @example
 * formatReturn(0.0083, "vi"); // "+0,8 %"
 * formatReturn(-0.0031, "en"); // "-0.3%"
 */
export function formatReturn(fraction: number | null, language: Language, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return catalogueFor(language).notAvailable;
  const percent = fraction * 100;
  const rounded = Math.abs(percent).toFixed(digits);
  const sign = Number(rounded) === 0 ? "" : percent > 0 ? "+" : "-";
  return `${sign}${fixed(Number(rounded), digits, language)}${CONVENTIONS[language].percentGap}%`;
}

/**
 * An amount of money in whole VND (a portfolio's value, a position's).
 *
 * @example
 * formatMoneyVnd(503_120_000, "vi"); // "503.120.000 đ"
 */
export function formatMoneyVnd(vnd: number, language: Language): string {
  if (!Number.isFinite(vnd)) return catalogueFor(language).notAvailable;
  return `${formatWholeNumber(Math.round(vnd), language)} ${CONVENTIONS[language].currency}`;
}
