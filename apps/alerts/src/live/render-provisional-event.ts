import type { ProvisionalAlertEvent } from "@vpa/core";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { escapeEmailHtml } from "../render/email-html.ts";
import { formatBarTime, formatVolumeRatio } from "../render/format-alert-values.ts";
import type { RenderedMessage } from "../render/rendered-message.ts";
import { signalLabelText } from "../render/signal-label.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";

/**
 * A provisional alert, or its follow-up at the bar's close (vpa-signals.md §10), for every
 * channel in `language`. Short on purpose: the final alert, if the signal holds, carries the full
 * facts. The provisional one is labelled (`[PROVISIONAL]` / `[TẠM THỜI / PROVISIONAL]`) in every
 * format, says how the bar was read (share elapsed, projected volume against the time of day's)
 * and that it may not hold. Pure; every value escaped for its format.
 *
 * @example
 * renderProvisionalEvent({ kind: "did-not-hold", timeframe: "1m", symbol: "VN30F1M",
 *   barTime: "2023-11-20T10:07:00+07:00", type: "EFFORT_TO_RISE", bias: "bull", score: 71 }, "en").text;
 * // "VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): the provisional Effort to rise did not hold."
 */
export function renderProvisionalEvent(event: ProvisionalAlertEvent, language: Language): RenderedMessage {
  const text = catalogueFor(language);
  if (event.kind !== "provisional") {
    const parts = {
      symbol: event.symbol,
      timeframe: event.timeframe,
      barTime: formatBarTime(event.barTime, language),
      signal: signalLabelText(event.type, null),
    };
    const line = event.kind === "held" ? text.live.held(parts) : text.live.didNotHold(parts);
    return {
      subject: line,
      text: line,
      telegramHtml: escapeTelegramHtml(line),
      emailHtml: emailDocument(text.htmlLang, [line]),
      event: { name: "vpa.provisional", data: { event } },
    };
  }
  const record = event.record;
  const subject = text.live.subject({
    label: text.live.label,
    symbol: record.symbol,
    timeframe: event.timeframe,
    barTime: formatBarTime(record.time, language),
    signal: signalLabelText(record.type, record.variant),
    bias: text.bias[record.bias],
    score: record.score,
  });
  const projection = text.live.projection({
    elapsed: `${Math.round(record.projection.elapsedFraction * 100)} %`,
    volumeRatio: formatVolumeRatio(record.features.vr, language),
  });
  const lines = [subject, projection, text.live.caveat, text.disclaimer];
  return {
    subject,
    text: lines.join("\n"),
    telegramHtml: [`<b>${escapeTelegramHtml(subject)}</b>`, ...lines.slice(1).map(escapeTelegramHtml)].join(
      "\n",
    ),
    emailHtml: emailDocument(text.htmlLang, lines),
    event: { name: "vpa.provisional", data: { event } },
  };
}

function emailDocument(lang: string, lines: readonly string[]): string {
  const [first = "", ...rest] = lines.map(escapeEmailHtml);
  return `<!doctype html><html lang="${escapeEmailHtml(lang)}"><head><meta charset="utf-8"></head><body><p><strong>${first}</strong></p>${rest.map((line) => `<p>${line}</p>`).join("")}</body></html>`;
}
