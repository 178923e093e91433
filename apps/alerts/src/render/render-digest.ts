/**
 * One subscriber's digest of a scan: the scan's non-HIGH alerts that match them, strongest first,
 * the top N with symbol, signal, score, close and volume ratio, each with its evidence from the
 * track record on the line under it (src/evidence), then "and K more: /signals", then one line
 * per paper portfolio (at most {@link DIGEST_PORTFOLIO_LINES}): its last close against its index.
 *
 * Which portfolios: every digest carries the same lines, those of the first three portfolios by
 * name. A subscriber follows no portfolio (there is no such setting, and the operator keeps only a
 * few: the brief's own system has one), so the digest shows the operator's portfolios as the
 * product's running evidence, the same to everyone; three keep it one glance long.
 * Vietnamese first with English beside it (`vi`), or English (`en`), from the catalogues in
 * `src/i18n`; numbers and dates in the language's formats.
 *
 * Pure and deterministic, like renderAlert: the same digest always gives the same texts, every
 * dynamic value escaped for its format.
 */
import type { DigestItem, PortfolioDay } from "@vpa/db";
import { evidencePhrase } from "../evidence/evidence-phrase.ts";
import type { SignalEvidence } from "../evidence/signal-evidence.ts";
import type { Catalogue } from "../i18n/catalogue.ts";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { escapeEmailHtml } from "./email-html.ts";
import { formatBarTime, formatReturn } from "./format-alert-values.ts";
import {
  rankedLineEmailRow,
  rankedLineTelegramHtml,
  rankedLineText,
  rankSignalLines,
} from "./ranked-signal-lines.ts";
import type { RenderedMessage } from "./rendered-message.ts";
import { escapeTelegramHtml, TELEGRAM_MESSAGE_MAX_LENGTH, truncateTelegramHtml } from "./telegram-html.ts";

/** The language a digest is rendered in (a subscriber's, or ALERT_LANGUAGE). */
export type DigestLanguage = Language;

export interface DigestContent {
  readonly items: readonly DigestItem[];
  /** Every alert of the scan that matches the subscriber; more than `items` when cut at the top N. */
  readonly total: number;
  /** The paper portfolios' last closes (packages/db listPortfolioDays); none: no portfolio line. */
  readonly portfolios?: readonly PortfolioDay[];
}

/** A digest names at most this many paper portfolios. */
export const DIGEST_PORTFOLIO_LINES = 3;

/** One line per portfolio; its date is said when it is not the digest's own bar. */
function portfolioLines(content: DigestContent, text: Catalogue, language: Language): string[] {
  const bar = content.items[0]?.time ?? null;
  return (content.portfolios ?? []).slice(0, DIGEST_PORTFOLIO_LINES).map((p) =>
    text.portfolio.digestLine({
      name: p.name,
      day: formatReturn(p.dayReturn, language),
      benchmark: p.benchmark,
      index: p.indexDayReturn === null ? null : formatReturn(p.indexDayReturn, language),
      date: p.date === bar ? null : formatBarTime(p.date, language),
    }),
  );
}

/**
 * `evidence[i]` is the evidence of `content.items[i]` (src/evidence): a compact line under it.
 * In Telegram, when the whole digest would pass the 4,096 characters, the lowest-ranked lines
 * lose their evidence first: every ranked signal stays.
 *
 * @example
 * renderDigest({ items, total: 3 }, "vi").subject; // "Bản tin quét: 3 tín hiệu / Scan digest: 3 signals · 23/03/2020"
 * @throws UnknownSignalTypeError for a signal type vpa-core's registry does not define.
 */
export function renderDigest(
  content: DigestContent,
  language: DigestLanguage,
  evidence?: readonly SignalEvidence[],
): RenderedMessage {
  const text = catalogueFor(language);
  const lines = rankSignalLines(content.items, text, language);
  // The signal is named on its own line: the phrase only says which group of it the figures are of.
  const evidenceLines = content.items.map((_, index) => {
    const found = evidence?.[index];
    return found === undefined ? null : evidencePhrase(found, { language });
  });
  const more = content.total - content.items.length;
  const portfolios = portfolioLines(content, text, language);
  const heading = text.digest.heading(content.total);
  const bar = lines[0]?.time ?? "";
  const subject = `${heading}${bar === "" ? "" : ` · ${bar}`}`;
  const plain = [
    subject,
    "",
    ...lines.flatMap((line, index) => {
      const phrase = evidenceLines[index];
      return [rankedLineText(line, text), ...(phrase == null ? [] : [`   ${phrase}`])];
    }),
    ...(more > 0 ? ["", text.digest.more(more)] : []),
    ...(portfolios.length > 0 ? ["", ...portfolios] : []),
    "",
    text.disclaimer,
  ].join("\n");
  const e = escapeTelegramHtml;
  const telegramWith = (evidenceShown: number) =>
    [
      `📋 <b>${e(heading)}</b>${bar === "" ? "" : ` · ${e(bar)}`}`,
      ...lines.flatMap((line, index) => {
        const phrase = index < evidenceShown ? evidenceLines[index] : null;
        return [rankedLineTelegramHtml(line, text), ...(phrase == null ? [] : [`↳ <i>${e(phrase)}</i>`])];
      }),
      ...(more > 0 ? [e(text.digest.more(more))] : []),
      ...portfolios.map((line) => `💼 ${e(line)}`),
    ].join("\n");
  let evidenceShown = lines.length;
  let telegram = telegramWith(evidenceShown);
  while (evidenceShown > 0 && truncateTelegramHtml(telegram, TELEGRAM_MESSAGE_MAX_LENGTH) !== telegram)
    telegram = telegramWith(--evidenceShown);
  const telegramHtml = truncateTelegramHtml(telegram);
  const h = escapeEmailHtml;
  const emailHtml = [
    "<!DOCTYPE html>",
    `<html lang="${text.htmlLang}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${h(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h1 style="margin:0 0 12px;font-size:20px">${h(heading)}</h1>`,
    `<table role="presentation" style="border-collapse:collapse">${lines
      .map((line, index) => {
        const phrase = evidenceLines[index];
        return `${rankedLineEmailRow(line)}${
          phrase == null
            ? ""
            : `<tr><td></td><td colspan="4" style="padding:0 0 6px;color:#555;font-size:12px">${h(phrase)}</td></tr>`
        }`;
      })
      .join("")}</table>`,
    ...(more > 0 ? [`<p>${h(text.digest.more(more))}</p>`] : []),
    ...portfolios.map((line) => `<p style="margin:8px 0 0">${h(line)}</p>`),
    `<p style="margin:16px 0 0;font-size:12px;color:#777">${h(text.disclaimer)}</p>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return {
    subject,
    text: `${plain}\n`,
    telegramHtml,
    emailHtml,
    event: {
      name: "vpa.digest",
      data: {
        digest: { items: content.items, total: content.total },
        ...(portfolios.length === 0
          ? {}
          : { portfolios: (content.portfolios ?? []).slice(0, DIGEST_PORTFOLIO_LINES) }),
        ...(evidence === undefined
          ? {}
          : { evidence: content.items.map((_, index) => evidence[index] ?? null) }),
      },
    },
  };
}
