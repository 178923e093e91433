/**
 * Which alert a Telegram message is: symbol, signal label and bar, as the user reads them in the
 * text `apps/alerts/src/render/render-alert.ts` produces:
 *
 * ```
 * 🟢 VCB · HOSE
 * Vietcombank
 * Selling climax ▲ bull
 * Priority HIGH · score 87/100 · confidence 65%
 * …
 * Bar 2020-03-23
 * ```
 *
 * One stored signal is unique per (stock, timeframe, bar, type), and the chaos data set has one
 * timeframe, so this key names one signal. The database side computes the key of each signal
 * through the same renderer ({@link alertKeyOfSignal}), so both sides agree by construction.
 */
import { alertContentOf, renderAlert } from "@vpa/alerts";
import type { SignalView } from "@vpa/db";
import { parseTelegramHtml } from "../../test-support/telegram-stand-in.ts";

/** `VCB|Selling climax|2020-03-23`, or the whole text when it does not look like an alert. */
export function alertKeyOf(plainText: string): string {
  const lines = plainText.split("\n").map((line) => line.trim());
  const heading = lines[0] ?? "";
  // The heading starts with the bias marker (an emoji and a space), then the symbol.
  const symbol =
    heading
      .slice(heading.indexOf(" ") + 1)
      .split(" · ")[0]
      ?.trim() ?? "";
  const label = lines.map((line) => /^(.*\S)\s+[▲▼]\s+(bull|bear)$/u.exec(line)?.[1]).find((found) => found);
  const bar = lines.map((line) => /^Bar\s+(.+)$/.exec(line)?.[1]).find((found) => found);
  if (symbol === "" || label === undefined || bar === undefined) return plainText;
  return `${symbol}|${label}|${bar}`;
}

/** The key of the Telegram message the alert worker renders for this signal. */
export function alertKeyOfSignal(signal: SignalView): string {
  const html = renderAlert(alertContentOf(signal)).telegramHtml;
  const parsed = parseTelegramHtml(html);
  return alertKeyOf(parsed.ok ? parsed.text : html);
}
