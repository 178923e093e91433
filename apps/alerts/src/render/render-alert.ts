/**
 * Turns one signal (spec `docs/vpa-signals.md` §9) into the texts every channel sends, in the
 * subscriber's language (`vi`: Vietnamese first with English beside it; `en`: English).
 *
 * One alert = one signal = one message. Every channel gets the same facts in the same order:
 * symbol (+ exchange and company name when known), signal type in words, bias with an arrow, one
 * line in plain words of what the signal means (the registry's explanation), priority, score,
 * confidence, close price, price change, volume ratio and bar time; with the signal's evidence from
 * the track record, one line of it after the explanation. Words come from the
 * language's catalogue (`src/i18n`), numbers and dates in its formats (format-alert-values.ts).
 *
 * Invariants:
 * - Every dynamic value is escaped for the target format (Telegram HTML, email HTML); nothing
 *   from `AlertContent` is trusted, a company name such as `A<b>&C` is data, not markup.
 * - `telegramHtml` parses under Telegram's HTML rules and is at most 4096 characters after entity
 *   parsing (`TELEGRAM_MESSAGE_MAX_LENGTH`); long values are shortened before escaping, and the
 *   whole message is cut tag- and entity-safely as a last resort.
 * - `subject` is a single line (control characters removed), e.g.
 *   `[HIGH] VCB: Selling climax (bull) score 87`, or in `vi`
 *   `[CAO / HIGH] VCB: Cao trào bán / Selling climax (tăng / bull) điểm / score 87`.
 * - Rendering is pure and deterministic (no clock, no locale of the machine): the same content
 *   always gives the same texts.
 */
import { evidencePhrase } from "../evidence/evidence-phrase.ts";
import type { SignalEvidence } from "../evidence/signal-evidence.ts";
import type { Catalogue } from "../i18n/catalogue.ts";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { escapeEmailHtml } from "./email-html.ts";
import {
  formatBarTime,
  formatConfidence,
  formatPrice,
  formatPriceChange,
  formatVolumeRatio,
} from "./format-alert-values.ts";
import type { RenderedMessage } from "./rendered-message.ts";
import { signalExplanation, signalLabelText } from "./signal-label.ts";
import { escapeTelegramHtml, TELEGRAM_MESSAGE_MAX_LENGTH, truncateTelegramHtml } from "./telegram-html.ts";

/** What an alert says: a signal record (spec §9) plus optional market data about the symbol. */
export interface AlertContent {
  readonly symbol: string;
  /** Spec §3 type, e.g. `SELLING_CLIMAX`, labelled from vpa-core's signal registry (unknown: an error). */
  readonly signalType: string;
  readonly bias: "bull" | "bear";
  /** Integer 0–100 (spec §4). */
  readonly score: number;
  /** 0–1 (spec §5), shown as a percentage. */
  readonly confidence: number;
  readonly priority: "HIGH" | "MEDIUM" | "LOW";
  /** `"spring"`/`"shakeout"` for `SPRING`, otherwise `null` (spec §9). */
  readonly variant: string | null;
  /** Close of the signal bar in thousand VND (`23.45` = 23,450 VND). */
  readonly close: number;
  /** Volume over its 20-bar average (spec §2 `vr`). */
  readonly volumeRatio: number;
  /** Bar date `YYYY-MM-DD`, or an ISO-8601 instant for intraday bars. */
  readonly time: string;
  /** `HOSE`, `HNX`, `UPCOM`, … */
  readonly exchange?: string | null;
  /** Company name; may contain `< > &` and Vietnamese text. */
  readonly name?: string | null;
  /**
   * Change of the close against the previous bar's close as a fraction, as vpa-core emits it
   * (`close[t] / close[t-1] - 1`; `0.024` = +2.4 %). Shown as a percentage and in VND.
   */
  readonly priceChange?: number | null;
}

/** The same alert, ready for each channel. */
export interface RenderedAlert extends RenderedMessage {
  /** Email subject and one-line summary, e.g. `[HIGH] VCB: Selling climax (bull) score 87`. */
  readonly subject: string;
  /** Plain text (email text part, console). */
  readonly text: string;
  /** For `sendMessage` with `parse_mode: "HTML"`; ≤ 4096 characters after entity parsing. */
  readonly telegramHtml: string;
  /** A complete, self-contained HTML document for the email HTML part. */
  readonly emailHtml: string;
  /** The facts themselves, for machine-readable channels (webhooks). */
  readonly content: AlertContent;
}

// Caps on dynamic values, in characters, before escaping. Real values are far shorter (symbols are
// 3 letters, the longest listed company names ~120 characters); the caps only stop a corrupt row
// from producing a message Telegram refuses or an unreadable subject.
const MAX_SYMBOL_LENGTH = 20;
const MAX_EXCHANGE_LENGTH = 20;
const MAX_NAME_LENGTH = 300;
const MAX_LABEL_LENGTH = 120;
const MAX_EXPLANATION_LENGTH = 300;
const MAX_EVIDENCE_LENGTH = 400;

const BIAS_ARROWS = { bull: "▲", bear: "▼" } as const;
const BIAS_MARKERS = { bull: "🟢", bear: "🔴" } as const;
const BIAS_COLORS = { bull: "#1a7f37", bear: "#cf222e" } as const;

/**
 * Renders one alert for every channel, in `language`.
 *
 * `language` defaults to English, the operators' language (the ledger's copy of the alert, the
 * channel tests); a subscriber's alert is rendered in theirs by the delivery job.
 * `evidence` (src/evidence) adds its line after the explanation, and goes to webhooks as data;
 * without it (the ledger's copy) there is no such line.
 *
 * @example
 * const alert = renderAlert({
 *   symbol: "VCB", signalType: "SELLING_CLIMAX", bias: "bull", score: 87, confidence: 0.65,
 *   priority: "HIGH", variant: null, close: 23.45, volumeRatio: 2.8, time: "2020-03-23",
 *   exchange: "HOSE", name: "Vietcombank", priceChange: 0.024017,
 * }, "en");
 * alert.subject; // "[HIGH] VCB: Selling climax (bull) score 87"
 * @throws UnknownSignalTypeError for a signal type or variant vpa-core's registry does not define.
 */
export function renderAlert(
  content: AlertContent,
  language: Language = "en",
  evidence?: SignalEvidence,
): RenderedAlert {
  const facts = collectFacts(content, language, evidence);
  return {
    subject: facts.subject,
    text: renderText(facts),
    telegramHtml: truncateTelegramHtml(renderTelegramHtml(facts), TELEGRAM_MESSAGE_MAX_LENGTH),
    emailHtml: renderEmailHtml(facts),
    content,
    event: {
      name: "vpa.alert",
      data: evidence === undefined ? { alert: content } : { alert: content, evidence },
    },
  };
}

/** Everything a template needs, as cleaned plain text in the alert's language (not yet escaped). */
interface AlertFacts {
  readonly text: Catalogue;
  readonly subject: string;
  readonly symbol: string;
  readonly exchange: string | null;
  readonly name: string | null;
  readonly signalLabel: string;
  /** One line per language shown. */
  readonly explanation: readonly string[];
  /** The track record's phrase for the signal, or null when none was given. */
  readonly evidence: string | null;
  readonly bias: "bull" | "bear";
  readonly biasWord: string;
  readonly priority: string;
  readonly score: string;
  readonly confidence: string;
  readonly close: string;
  readonly priceChange: string | null;
  readonly volume: string;
  readonly time: string;
}

function collectFacts(
  content: AlertContent,
  language: Language,
  evidence: SignalEvidence | undefined,
): AlertFacts {
  const text = catalogueFor(language);
  const symbol = cleanText(content.symbol, MAX_SYMBOL_LENGTH) || "?";
  const signalLabel = cleanText(
    text.signalName(signalLabelText(content.signalType, content.variant)),
    MAX_LABEL_LENGTH,
  );
  const explanation = text
    .explanation(signalExplanation(content.signalType))
    .map((line) => cleanText(line, MAX_EXPLANATION_LENGTH));
  const score = Number.isFinite(content.score) ? String(Math.round(content.score)) : text.notAvailable;
  // A priority outside the three is a corrupt row: shown as stored rather than dropped.
  const priority = cleanText(
    Object.hasOwn(text.priority, content.priority) ? text.priority[content.priority] : content.priority,
    MAX_LABEL_LENGTH,
  );
  const biasWord = text.bias[content.bias];
  const exchange = optionalText(content.exchange, MAX_EXCHANGE_LENGTH);
  const name = optionalText(content.name, MAX_NAME_LENGTH);
  const priceChange =
    content.priceChange === undefined || content.priceChange === null
      ? null
      : formatPriceChange(content.symbol, content.priceChange, content.close, language);
  return {
    text,
    subject: text.alert.subject({ priority, symbol, signal: signalLabel, bias: biasWord, score }),
    symbol,
    exchange,
    name,
    signalLabel,
    explanation,
    evidence:
      evidence === undefined
        ? null
        : cleanText(
            evidencePhrase(evidence, { language, signalType: content.signalType }),
            MAX_EVIDENCE_LENGTH,
          ),
    bias: content.bias,
    biasWord,
    priority,
    score,
    confidence: formatConfidence(content.confidence, language),
    close: formatPrice(content.symbol, content.close, language),
    priceChange,
    volume: Number.isFinite(content.volumeRatio)
      ? text.alert.volumeVsAverage(formatVolumeRatio(content.volumeRatio, language))
      : text.notAvailable,
    time: cleanText(formatBarTime(content.time, language), MAX_LABEL_LENGTH),
  };
}

function renderText(facts: AlertFacts): string {
  const labels = facts.text.alert.labels;
  // Values line up after the longest label of the language ("Confidence: " in English).
  const width = Math.max(...Object.values(labels).map((label) => label.length)) + 2;
  const field = (label: string, value: string) => `${`${label}:`.padEnd(width)}${value}`;
  const heading = [facts.symbol, facts.exchange, facts.name].filter((part) => part !== null).join(" · ");
  const lines = [
    facts.subject,
    "",
    heading,
    field(labels.signal, `${facts.signalLabel} ${BIAS_ARROWS[facts.bias]} ${facts.biasWord}`),
    ...facts.explanation.map((line) => `${" ".repeat(width)}${line}`),
    ...(facts.evidence === null ? [] : [`${" ".repeat(width)}${facts.evidence}`]),
    field(labels.priority, facts.priority),
    field(labels.score, facts.text.alert.scoreOutOf(facts.score)),
    field(labels.confidence, facts.confidence),
    field(labels.close, facts.close),
    ...(facts.priceChange === null ? [] : [field(labels.change, facts.priceChange)]),
    field(labels.volume, facts.volume),
    field(labels.bar, facts.time),
    "",
    facts.text.disclaimer,
  ];
  return `${lines.join("\n")}\n`;
}

function renderTelegramHtml(facts: AlertFacts): string {
  const e = escapeTelegramHtml;
  const labels = facts.text.alert.labels;
  const heading = `${BIAS_MARKERS[facts.bias]} <b>${e(facts.symbol)}</b>${facts.exchange === null ? "" : ` · ${e(facts.exchange)}`}`;
  const closeLine = `${e(labels.close)} ${e(facts.close)}${facts.priceChange === null ? "" : ` · ${e(facts.priceChange)}`}`;
  const lines = [
    heading,
    ...(facts.name === null ? [] : [`<i>${e(facts.name)}</i>`]),
    `<b>${e(facts.signalLabel)}</b> ${BIAS_ARROWS[facts.bias]} ${e(facts.biasWord)}`,
    ...facts.explanation.map(e),
    ...(facts.evidence === null ? [] : [`📊 <i>${e(facts.evidence)}</i>`]),
    [
      `${e(labels.priority)} <b>${e(facts.priority)}</b>`,
      `${e(labels.score)} <b>${e(facts.text.alert.scoreOutOf(facts.score))}</b>`,
      `${e(labels.confidence)} ${e(facts.confidence)}`,
    ].join(" · "),
    closeLine,
    `${e(labels.volume)} ${e(facts.volume)}`,
    `${e(labels.bar)} ${e(facts.time)}`,
  ];
  return lines.join("\n");
}

function renderEmailHtml(facts: AlertFacts): string {
  const e = escapeEmailHtml;
  const labels = facts.text.alert.labels;
  const color = BIAS_COLORS[facts.bias];
  const row = (label: string, valueHtml: string): string =>
    `<tr><th align="left" style="padding:4px 12px 4px 0;color:#555;font-weight:normal">${e(label)}</th>` +
    `<td style="padding:4px 0">${valueHtml}</td></tr>`;
  const rows = [
    row(
      labels.signal,
      `<strong>${e(facts.signalLabel)}</strong> <span style="color:${color}">${BIAS_ARROWS[facts.bias]} ${e(facts.biasWord)}</span>`,
    ),
    row(labels.priority, `<strong>${e(facts.priority)}</strong>`),
    row(labels.score, e(facts.text.alert.scoreOutOf(facts.score))),
    row(labels.confidence, e(facts.confidence)),
    row(labels.close, e(facts.close)),
    ...(facts.priceChange === null ? [] : [row(labels.change, e(facts.priceChange))]),
    row(labels.volume, e(facts.volume)),
    row(labels.bar, e(facts.time)),
  ];
  return [
    "<!DOCTYPE html>",
    `<html lang="${facts.text.htmlLang}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${e(facts.subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h1 style="margin:0 0 4px;font-size:20px">${e(facts.symbol)}${facts.exchange === null ? "" : ` <span style="color:#555;font-weight:normal">· ${e(facts.exchange)}</span>`}</h1>`,
    ...(facts.name === null ? [] : [`<p style="margin:0 0 12px;color:#555">${e(facts.name)}</p>`]),
    ...facts.explanation.map((line) => `<p style="margin:0 0 8px">${e(line)}</p>`),
    ...(facts.evidence === null ? [] : [`<p style="margin:0 0 8px;color:#555">📊 ${e(facts.evidence)}</p>`]),
    `<table role="presentation" style="border-collapse:collapse">${rows.join("")}</table>`,
    `<p style="margin:16px 0 0;font-size:12px;color:#777">${e(facts.text.disclaimer)}</p>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * One clean line: Unicode NFC (Vietnamese from some sources arrives decomposed), control
 * characters and line breaks turned into spaces (they would break the subject header and the
 * layout), runs of spaces collapsed, then cut at `maxLength` code points with "…".
 */
function cleanText(value: string, maxLength: number): string {
  const cleaned = String(value)
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
  const codePoints = Array.from(cleaned);
  if (codePoints.length <= maxLength) return cleaned;
  return `${codePoints
    .slice(0, maxLength - 1)
    .join("")
    .trimEnd()}…`;
}

function optionalText(value: string | null | undefined, maxLength: number): string | null {
  if (value === undefined || value === null) return null;
  const cleaned = cleanText(value, maxLength);
  return cleaned === "" ? null : cleaned;
}
