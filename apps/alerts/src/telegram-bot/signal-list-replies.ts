import { type Database, listSignals, listStrongestSignalsOfLatestScan } from "@vpa/db";
import type { Kysely } from "kysely";
import { sharedEvidenceLookup } from "../evidence/evidence-lookup.ts";
import { evidencePhrase } from "../evidence/evidence-phrase.ts";
import { evidenceSubjectOfSignal } from "../evidence/evidence-subject.ts";
import {
  formatBarTime,
  formatConfidence,
  formatPrice,
  formatVietnamTime,
} from "../render/format-alert-values.ts";
import { rankedLineTelegramHtml, rankSignalLines } from "../render/ranked-signal-lines.ts";
import { signalLabelText } from "../render/signal-label.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext } from "./bot-command-context.ts";

/** /signals shows the newest this many. */
export const SIGNALS_SHOWN = 10;

/** /signals [SYMBOL]: the newest stored signals, one line each, with its evidence under it. */
export async function signalsReply(
  db: Kysely<Database>,
  symbol: string | null,
  context: BotCommandContext,
): Promise<string> {
  const { text, language } = context;
  const e = escapeTelegramHtml;
  // One more than shown, to know whether there are more.
  const signals = await listSignals(db, { symbol: symbol ?? undefined, limit: SIGNALS_SHOWN + 1 });
  if (signals.length === 0) return e(symbol === null ? text.signals.none : text.signals.noneFor(symbol));
  const shown = signals.slice(0, SIGNALS_SHOWN);
  const evidence = await sharedEvidenceLookup(db).evidenceFor(shown.map(evidenceSubjectOfSignal));
  const lines = shown.flatMap((s, index) => [
    `${e(formatBarTime(s.time, language))} <b>${e(s.symbol)}</b> ${e(text.signalName(signalLabelText(s.type, s.variant)))} ` +
      `· ${e(text.digest.score)} ${s.score} · ${e(formatConfidence(s.confidence, language))} · ${e(formatPrice(s.symbol, s.close, language))}`,
    `↳ <i>${e(evidencePhrase(evidence[index]!, { language }))}</i>`,
  ]);
  const more =
    signals.length > SIGNALS_SHOWN
      ? [e(symbol === null ? text.signals.moreAll : text.signals.moreOlder)]
      : [];
  return [e(text.signals.heading(SIGNALS_SHOWN)), ...lines, ...more].join("\n");
}

/** /top [N]: the newest scan's alerts, strongest first, listed like a digest. */
export async function topReply(
  db: Kysely<Database>,
  limit: number,
  context: BotCommandContext,
): Promise<string> {
  const { text, language } = context;
  const e = escapeTelegramHtml;
  const scan = await listStrongestSignalsOfLatestScan(db, limit);
  if (scan === undefined) return e(text.top.noScan);
  const scanTime = formatVietnamTime(scan.startedAt.getTime(), language);
  const running = scan.complete ? [] : [e(text.top.stillRunning)];
  if (scan.items.length === 0) return [e(text.top.empty(scanTime)), ...running].join("\n");
  return [
    `<b>${e(text.top.heading({ shown: scan.items.length, total: scan.total, scanTime }))}</b>`,
    ...rankSignalLines(scan.items, text, language).map((line) => rankedLineTelegramHtml(line, text)),
    ...running,
  ].join("\n");
}
