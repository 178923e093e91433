/**
 * Display formats for the numbers in an alert. Plain text in, plain text out: callers escape
 * for HTML afterwards.
 *
 * Units: prices inside the system are in thousand VND (`23.45` = 23,450 VND, the way HOSE/HNX
 * quote boards show them). Alerts show whole VND with en-US digit grouping, because the alert
 * text is English; a non-finite number (a bug upstream) renders as "n/a" instead of throwing,
 * so one bad field never blocks a whole alert.
 */

const NOT_AVAILABLE = "n/a";
const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A price given in thousand VND, as whole VND.
 *
 * @example
 * formatPriceVnd(23.45); // "23,450 VND"
 */
export function formatPriceVnd(priceInThousandVnd: number): string {
  if (!Number.isFinite(priceInThousandVnd)) return NOT_AVAILABLE;
  return `${wholeNumber.format(Math.round(priceInThousandVnd * 1000))} VND`;
}

/**
 * The change against the previous close, given as a fraction the way vpa-core emits it
 * (`close[t] / close[t-1] - 1`, see `SignalRecord.priceChange`): as a percentage with two
 * decimals, followed by the same change in VND, derived from the close (thousand VND).
 *
 * @example
 * formatPriceChange(0.024017, 23.45); // "+2.40% (+550 VND)"
 * formatPriceChange(-0.008143, 60.9); // "-0.81% (-500 VND)"
 */
export function formatPriceChange(changeFraction: number, closeInThousandVnd: number): string {
  if (!Number.isFinite(changeFraction)) return NOT_AVAILABLE;
  const percent = changeFraction * 100;
  const roundedPercent = Math.abs(percent).toFixed(2);
  const sign = roundedPercent === "0.00" ? "" : percent > 0 ? "+" : "-";
  const relative = `${sign}${roundedPercent}%`;
  if (!Number.isFinite(closeInThousandVnd) || 1 + changeFraction <= 0) return relative;
  const previousClose = closeInThousandVnd / (1 + changeFraction);
  const changeVnd = Math.round((closeInThousandVnd - previousClose) * 1000);
  const vndSign = changeVnd > 0 ? "+" : changeVnd < 0 ? "-" : "";
  return `${relative} (${vndSign}${wholeNumber.format(Math.abs(changeVnd))} VND)`;
}

/**
 * Confidence (0–1, spec §5) as a whole percentage.
 *
 * @example
 * formatConfidence(0.65); // "65%"
 */
export function formatConfidence(confidence: number): string {
  if (!Number.isFinite(confidence)) return NOT_AVAILABLE;
  return `${Math.round(confidence * 100)}%`;
}

/**
 * Volume ratio (spec §2 `vr`: volume over its 20-bar average): one decimal, two below 1 where
 * one decimal would hide the difference between 0.45 and 0.54.
 *
 * @example
 * formatVolumeRatio(2.8);  // "2.8× avg vol"
 * formatVolumeRatio(0.45); // "0.45× avg vol"
 */
export function formatVolumeRatio(volumeRatio: number): string {
  if (!Number.isFinite(volumeRatio)) return NOT_AVAILABLE;
  return `${volumeRatio.toFixed(volumeRatio < 1 ? 2 : 1)}× avg vol`;
}

/** Vietnam has used UTC+7 all year since 1975 (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * The signal's bar time (spec §9): a daily bar's date as is, an intraday instant in Vietnam time,
 * where the exchanges trade. Anything unparseable is shown verbatim.
 *
 * @example
 * formatBarTime("2020-03-23");                // "2020-03-23"
 * formatBarTime("2024-05-10T02:15:00Z");      // "2024-05-10 09:15 (UTC+7)"
 */
export function formatBarTime(time: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(time)) return time;
  const instant = Date.parse(time);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(time) || Number.isNaN(instant)) return time;
  const local = new Date(instant + VIETNAM_OFFSET_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (UTC+7)`;
}
