/**
 * A list of signals strongest first, one line each, as a digest and /top show them:
 * `1. VCB Selling climax ▲ · score 87 · 23,450 VND · 2.8× avg vol`. Plain text and Telegram HTML
 * from the same facts; every dynamic value escaped.
 */
import type { DigestItem } from "@vpa/db";
import type { Catalogue } from "../i18n/catalogue.ts";
import type { Language } from "../i18n/language.ts";
import { escapeEmailHtml } from "./email-html.ts";
import { formatBarTime, formatPrice, formatVolumeRatio } from "./format-alert-values.ts";
import { signalLabelText } from "./signal-label.ts";
import { escapeTelegramHtml } from "./telegram-html.ts";

const ARROWS = { bull: "▲", bear: "▼" } as const;

/** One line's values, formatted for the language, not yet escaped. */
export interface RankedSignalLine {
  readonly rank: number;
  readonly symbol: string;
  readonly label: string;
  readonly arrow: string;
  readonly score: string;
  readonly close: string;
  /** Empty when the signal has no volume ratio. */
  readonly volume: string;
  readonly time: string;
}

/** Formats the items in order; the first is rank 1. */
export function rankSignalLines(
  items: readonly DigestItem[],
  text: Catalogue,
  language: Language,
): RankedSignalLine[] {
  return items.map((item, index) => ({
    rank: index + 1,
    symbol: item.symbol,
    label: text.signalName(signalLabelText(item.signalType, null)),
    arrow: ARROWS[item.bias],
    score: String(Math.round(item.score)),
    close: formatPrice(item.symbol, item.close, language),
    volume:
      item.volumeRatio === null || !Number.isFinite(item.volumeRatio)
        ? ""
        : text.alert.volumeVsAverage(formatVolumeRatio(item.volumeRatio, language)),
    time: formatBarTime(item.time, language),
  }));
}

export function rankedLineText(line: RankedSignalLine, text: Catalogue): string {
  const volume = line.volume === "" ? "" : ` · ${line.volume}`;
  return `${line.rank}. ${line.symbol} ${line.label} ${line.arrow} · ${text.digest.score} ${line.score} · ${line.close}${volume}`;
}

export function rankedLineTelegramHtml(line: RankedSignalLine, text: Catalogue): string {
  const e = escapeTelegramHtml;
  const volume = line.volume === "" ? "" : ` · ${e(line.volume)}`;
  return `${line.rank}. <b>${e(line.symbol)}</b> ${e(line.label)} ${line.arrow} · ${e(text.digest.score)} <b>${e(line.score)}</b> · ${e(line.close)}${volume}`;
}

export function rankedLineEmailRow(line: RankedSignalLine): string {
  const h = escapeEmailHtml;
  const cell = 'style="padding:4px 12px 4px 0"';
  return (
    `<tr><td ${cell}><strong>${h(line.symbol)}</strong></td><td ${cell}>${h(line.label)} ${line.arrow}</td>` +
    `<td ${cell}>${h(line.score)}</td><td ${cell}>${h(line.close)}</td><td>${h(line.volume)}</td></tr>`
  );
}
