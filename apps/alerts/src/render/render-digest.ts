/**
 * One subscriber's digest of a scan: the scan's non-HIGH alerts that match them, strongest first,
 * the top N with symbol, signal, score, close and volume ratio, then "and K more: /signals".
 * Vietnamese first with English beside it (`vi`), or English (`en`), from the catalogues in
 * `src/i18n`; numbers and dates in the language's formats.
 *
 * Pure and deterministic, like renderAlert: the same digest always gives the same texts, every
 * dynamic value escaped for its format.
 */
import type { DigestItem } from "@vpa/db";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { escapeEmailHtml } from "./email-html.ts";
import {
  rankedLineEmailRow,
  rankedLineTelegramHtml,
  rankedLineText,
  rankSignalLines,
} from "./ranked-signal-lines.ts";
import type { RenderedMessage } from "./rendered-message.ts";
import { escapeTelegramHtml, truncateTelegramHtml } from "./telegram-html.ts";

/** The language a digest is rendered in (a subscriber's, or ALERT_LANGUAGE). */
export type DigestLanguage = Language;

export interface DigestContent {
  readonly items: readonly DigestItem[];
  /** Every alert of the scan that matches the subscriber; more than `items` when cut at the top N. */
  readonly total: number;
}

/**
 * @example
 * renderDigest({ items, total: 3 }, "vi").subject; // "Bản tin quét: 3 tín hiệu / Scan digest: 3 signals · 23/03/2020"
 * @throws UnknownSignalTypeError for a signal type vpa-core's registry does not define.
 */
export function renderDigest(content: DigestContent, language: DigestLanguage): RenderedMessage {
  const text = catalogueFor(language);
  const lines = rankSignalLines(content.items, text, language);
  const more = content.total - content.items.length;
  const heading = text.digest.heading(content.total);
  const bar = lines[0]?.time ?? "";
  const subject = `${heading}${bar === "" ? "" : ` · ${bar}`}`;
  const plain = [
    subject,
    "",
    ...lines.map((line) => rankedLineText(line, text)),
    ...(more > 0 ? ["", text.digest.more(more)] : []),
    "",
    text.disclaimer,
  ].join("\n");
  const e = escapeTelegramHtml;
  const telegramHtml = truncateTelegramHtml(
    [
      `📋 <b>${e(heading)}</b>${bar === "" ? "" : ` · ${e(bar)}`}`,
      ...lines.map((line) => rankedLineTelegramHtml(line, text)),
      ...(more > 0 ? [e(text.digest.more(more))] : []),
    ].join("\n"),
  );
  const h = escapeEmailHtml;
  const emailHtml = [
    "<!DOCTYPE html>",
    `<html lang="${text.htmlLang}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${h(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h1 style="margin:0 0 12px;font-size:20px">${h(heading)}</h1>`,
    `<table role="presentation" style="border-collapse:collapse">${lines.map(rankedLineEmailRow).join("")}</table>`,
    ...(more > 0 ? [`<p>${h(text.digest.more(more))}</p>`] : []),
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
    event: { name: "vpa.digest", data: { digest: { items: content.items, total: content.total } } },
  };
}
