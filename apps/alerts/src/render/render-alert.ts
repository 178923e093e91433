/**
 * Turns one signal (spec `docs/vpa-signals.md` §9) into the texts every channel sends.
 *
 * One alert = one signal = one message. Every channel gets the same facts in the same order:
 * symbol (+ exchange and company name when known), signal type in words, bias with an arrow,
 * priority, score, confidence, close price, price change, volume ratio and bar time.
 *
 * Invariants:
 * - Every dynamic value is escaped for the target format (Telegram HTML, email HTML); nothing
 *   from `AlertContent` is trusted, a company name such as `A<b>&C` is data, not markup.
 * - `telegramHtml` parses under Telegram's HTML rules and is at most 4096 characters after entity
 *   parsing (`TELEGRAM_MESSAGE_MAX_LENGTH`); long values are shortened before escaping, and the
 *   whole message is cut tag- and entity-safely as a last resort.
 * - `subject` is a single line (control characters removed), e.g.
 *   `[HIGH] VCB: Selling climax (bull) score 87`.
 * - Rendering is pure and deterministic (no clock, no locale of the machine): the same content
 *   always gives the same texts.
 */
import { escapeEmailHtml } from "./email-html.ts";
import {
  formatBarTime,
  formatConfidence,
  formatPriceChange,
  formatPriceVnd,
  formatVolumeRatio,
} from "./format-alert-values.ts";
import type { RenderedMessage } from "./rendered-message.ts";
import { describeSignalType } from "./signal-label.ts";
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
const MAX_LABEL_LENGTH = 80;

const BIAS_ARROWS = { bull: "▲", bear: "▼" } as const;
const BIAS_MARKERS = { bull: "🟢", bear: "🔴" } as const;
const BIAS_COLORS = { bull: "#1a7f37", bear: "#cf222e" } as const;

const DISCLAIMER = "Automated VPA scanner alert. Not investment advice.";

/**
 * Renders one alert for every channel.
 *
 * @example
 * const alert = renderAlert({
 *   symbol: "VCB", signalType: "SELLING_CLIMAX", bias: "bull", score: 87, confidence: 0.65,
 *   priority: "HIGH", variant: null, close: 23.45, volumeRatio: 2.8, time: "2020-03-23",
 *   exchange: "HOSE", name: "Vietcombank", priceChange: 0.024017,
 * });
 * alert.subject; // "[HIGH] VCB: Selling climax (bull) score 87"
 * @throws UnknownSignalTypeError for a signal type or variant vpa-core's registry does not define.
 */
export function renderAlert(content: AlertContent): RenderedAlert {
  const facts = collectFacts(content);
  return {
    subject: facts.subject,
    text: renderText(facts),
    telegramHtml: truncateTelegramHtml(renderTelegramHtml(facts), TELEGRAM_MESSAGE_MAX_LENGTH),
    emailHtml: renderEmailHtml(facts),
    content,
    event: { name: "vpa.alert", data: { alert: content } },
  };
}

/** Everything a template needs, as cleaned plain text (not yet escaped). */
interface AlertFacts {
  readonly subject: string;
  readonly symbol: string;
  readonly exchange: string | null;
  readonly name: string | null;
  readonly signalLabel: string;
  readonly bias: "bull" | "bear";
  readonly priority: string;
  readonly score: string;
  readonly confidence: string;
  readonly close: string;
  readonly priceChange: string | null;
  readonly volume: string;
  readonly time: string;
}

function collectFacts(content: AlertContent): AlertFacts {
  const symbol = cleanText(content.symbol, MAX_SYMBOL_LENGTH) || "?";
  const signalLabel = cleanText(describeSignalType(content.signalType, content.variant), MAX_LABEL_LENGTH);
  const score = Number.isFinite(content.score) ? String(Math.round(content.score)) : "n/a";
  const priority = cleanText(content.priority, MAX_LABEL_LENGTH);
  const exchange = optionalText(content.exchange, MAX_EXCHANGE_LENGTH);
  const name = optionalText(content.name, MAX_NAME_LENGTH);
  const priceChange =
    content.priceChange === undefined || content.priceChange === null
      ? null
      : formatPriceChange(content.priceChange, content.close);
  return {
    subject: `[${priority}] ${symbol}: ${signalLabel} (${content.bias}) score ${score}`,
    symbol,
    exchange,
    name,
    signalLabel,
    bias: content.bias,
    priority,
    score,
    confidence: formatConfidence(content.confidence),
    close: formatPriceVnd(content.close),
    priceChange,
    volume: formatVolumeRatio(content.volumeRatio),
    time: cleanText(formatBarTime(content.time), MAX_LABEL_LENGTH),
  };
}

function renderText(facts: AlertFacts): string {
  const heading = [facts.symbol, facts.exchange, facts.name].filter((part) => part !== null).join(" · ");
  const lines = [
    facts.subject,
    "",
    heading,
    `Signal:     ${facts.signalLabel} ${BIAS_ARROWS[facts.bias]} ${facts.bias}`,
    `Priority:   ${facts.priority}`,
    `Score:      ${facts.score}/100`,
    `Confidence: ${facts.confidence}`,
    `Close:      ${facts.close}`,
    ...(facts.priceChange === null ? [] : [`Change:     ${facts.priceChange}`]),
    `Volume:     ${facts.volume}`,
    `Bar:        ${facts.time}`,
    "",
    DISCLAIMER,
  ];
  return `${lines.join("\n")}\n`;
}

function renderTelegramHtml(facts: AlertFacts): string {
  const e = escapeTelegramHtml;
  const heading = `${BIAS_MARKERS[facts.bias]} <b>${e(facts.symbol)}</b>${facts.exchange === null ? "" : ` · ${e(facts.exchange)}`}`;
  const closeLine = `Close ${e(facts.close)}${facts.priceChange === null ? "" : ` · ${e(facts.priceChange)}`}`;
  const lines = [
    heading,
    ...(facts.name === null ? [] : [`<i>${e(facts.name)}</i>`]),
    `<b>${e(facts.signalLabel)}</b> ${BIAS_ARROWS[facts.bias]} ${facts.bias}`,
    `Priority <b>${e(facts.priority)}</b> · score <b>${e(facts.score)}</b>/100 · confidence ${e(facts.confidence)}`,
    closeLine,
    `Volume ${e(facts.volume)}`,
    `Bar ${e(facts.time)}`,
  ];
  return lines.join("\n");
}

function renderEmailHtml(facts: AlertFacts): string {
  const e = escapeEmailHtml;
  const color = BIAS_COLORS[facts.bias];
  const row = (label: string, valueHtml: string): string =>
    `<tr><th align="left" style="padding:4px 12px 4px 0;color:#555;font-weight:normal">${label}</th>` +
    `<td style="padding:4px 0">${valueHtml}</td></tr>`;
  const rows = [
    row(
      "Signal",
      `<strong>${e(facts.signalLabel)}</strong> <span style="color:${color}">${BIAS_ARROWS[facts.bias]} ${facts.bias}</span>`,
    ),
    row("Priority", `<strong>${e(facts.priority)}</strong>`),
    row("Score", `${e(facts.score)}/100`),
    row("Confidence", e(facts.confidence)),
    row("Close", e(facts.close)),
    ...(facts.priceChange === null ? [] : [row("Change", e(facts.priceChange))]),
    row("Volume", e(facts.volume)),
    row("Bar", e(facts.time)),
  ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${e(facts.subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h1 style="margin:0 0 4px;font-size:20px">${e(facts.symbol)}${facts.exchange === null ? "" : ` <span style="color:#555;font-weight:normal">· ${e(facts.exchange)}</span>`}</h1>`,
    ...(facts.name === null ? [] : [`<p style="margin:0 0 12px;color:#555">${e(facts.name)}</p>`]),
    `<table role="presentation" style="border-collapse:collapse">${rows.join("")}</table>`,
    `<p style="margin:16px 0 0;font-size:12px;color:#777">${e(DISCLAIMER)}</p>`,
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
