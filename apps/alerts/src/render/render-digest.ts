/**
 * One subscriber's digest of a scan: the scan's non-HIGH alerts that match them, strongest first,
 * the top N with symbol, signal, score, close and volume ratio, then "and K more: /signals".
 * Vietnamese first with English beside it (`vi`), or English (`en`).
 *
 * Pure and deterministic, like renderAlert: the same digest always gives the same texts, every
 * dynamic value escaped for its format.
 */
import type { DigestItem } from "@vpa/db";
import { escapeEmailHtml } from "./email-html.ts";
import { formatBarTime, formatPriceVnd, formatVolumeRatio } from "./format-alert-values.ts";
import type { RenderedMessage } from "./rendered-message.ts";
import { describeSignalType } from "./signal-label.ts";
import { escapeTelegramHtml, truncateTelegramHtml } from "./telegram-html.ts";

export type DigestLanguage = "vi" | "en";

export interface DigestContent {
  readonly items: readonly DigestItem[];
  /** Every alert of the scan that matches the subscriber; more than `items` when cut at the top N. */
  readonly total: number;
}

const TEXT = {
  vi: {
    heading: (n: number) => `Bản tin quét: ${n} tín hiệu / Scan digest: ${n} signals`,
    more: (k: number) => `và ${k} tín hiệu khác: /signals · and ${k} more: /signals`,
    disclaimer:
      "Cảnh báo tự động của máy quét VPA, không phải khuyến nghị đầu tư. / Automated VPA scanner alert. Not investment advice.",
    score: "điểm",
  },
  en: {
    heading: (n: number) => `Scan digest: ${n} signals`,
    more: (k: number) => `and ${k} more: /signals`,
    disclaimer: "Automated VPA scanner alert. Not investment advice.",
    score: "score",
  },
} as const;

const ARROWS = { bull: "▲", bear: "▼" } as const;

interface DigestLine {
  readonly symbol: string;
  readonly label: string;
  readonly arrow: string;
  readonly score: string;
  readonly close: string;
  readonly volume: string;
  readonly time: string;
}

export function renderDigest(content: DigestContent, language: DigestLanguage): RenderedMessage {
  const text = TEXT[language];
  const lines: DigestLine[] = content.items.map((item) => ({
    symbol: item.symbol,
    label: describeSignalType(item.signalType, null, language),
    arrow: ARROWS[item.bias],
    score: String(Math.round(item.score)),
    close: formatPriceVnd(item.close),
    volume: item.volumeRatio === null ? "" : formatVolumeRatio(item.volumeRatio),
    time: formatBarTime(item.time),
  }));
  const more = content.total - content.items.length;
  const heading = text.heading(content.total);
  const bar = lines[0]?.time ?? "";
  const subject = `${heading}${bar === "" ? "" : ` · ${bar}`}`;
  const plain = [
    subject,
    "",
    ...lines.map(
      (l, i) =>
        `${i + 1}. ${l.symbol} ${l.label} ${l.arrow} · ${text.score} ${l.score} · ${l.close}${l.volume === "" ? "" : ` · ${l.volume}`}`,
    ),
    ...(more > 0 ? ["", text.more(more)] : []),
    "",
    text.disclaimer,
  ].join("\n");
  const e = escapeTelegramHtml;
  const telegramHtml = truncateTelegramHtml(
    [
      `📋 <b>${e(heading)}</b>${bar === "" ? "" : ` · ${e(bar)}`}`,
      ...lines.map(
        (l, i) =>
          `${i + 1}. <b>${e(l.symbol)}</b> ${e(l.label)} ${l.arrow} · ${e(text.score)} <b>${e(l.score)}</b> · ${e(l.close)}${l.volume === "" ? "" : ` · ${e(l.volume)}`}`,
      ),
      ...(more > 0 ? [e(text.more(more))] : []),
    ].join("\n"),
  );
  const h = escapeEmailHtml;
  const rows = lines
    .map(
      (l) =>
        `<tr><td style="padding:4px 12px 4px 0"><strong>${h(l.symbol)}</strong></td><td style="padding:4px 12px 4px 0">${h(l.label)} ${l.arrow}</td>` +
        `<td style="padding:4px 12px 4px 0">${h(l.score)}</td><td style="padding:4px 12px 4px 0">${h(l.close)}</td><td>${h(l.volume)}</td></tr>`,
    )
    .join("");
  const emailHtml = [
    "<!DOCTYPE html>",
    `<html lang="${language}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${h(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h1 style="margin:0 0 12px;font-size:20px">${h(heading)}</h1>`,
    `<table role="presentation" style="border-collapse:collapse">${rows}</table>`,
    ...(more > 0 ? [`<p>${h(text.more(more))}</p>`] : []),
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
