/**
 * A signal's evidence as the one short phrase a reader sees, in the catalogue's words and the
 * language's number formats; plain text, escaped by the caller.
 *
 * - `en`: `Spring · HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%)`
 * - `vi`: `Cú lò xo · HOSE · điểm 70–79: tăng sau 5 phiên 58 % trong 1.240 lần (ngẫu nhiên 51 %) / Spring · …`
 */
import { SCORE_BANDS, type SignalText } from "@vpa/core";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { formatConfidence, formatWholeNumber } from "../render/format-alert-values.ts";
import { signalLabelText } from "../render/signal-label.ts";
import type { SignalEvidence } from "./signal-evidence.ts";

export interface EvidencePhraseOptions {
  readonly language: Language;
  /**
   * Names the group in full, signal included (an alert); without it the phrase leaves the signal
   * out, for a line under one that names it (a digest, a list).
   */
  readonly signalType?: string;
}

/**
 * @example
 * evidencePhrase(evidence, { language: "en", signalType: "SPRING" });
 * // "Spring · HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%) · no edge"
 * evidencePhrase(evidence, { language: "en" });
 * // "HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%) · no edge"
 * @throws UnknownSignalTypeError when `signalType` is given and the registry does not define it.
 */
export function evidencePhrase(evidence: SignalEvidence, options: EvidencePhraseOptions): string {
  const { language } = options;
  const text = catalogueFor(language).evidence;
  const signal: SignalText | null =
    options.signalType === undefined ? null : signalLabelText(options.signalType, null);
  // A whole percentage in the language's notation (`58%`, `58 %`): the same format as confidence.
  const percent = (rate: number) => formatConfidence(rate, language);
  switch (evidence.status) {
    case "figures":
      return text.figures({
        signal,
        exchange: evidence.group.exchange,
        scoreBand:
          evidence.group.scoreBand === null
            ? null
            : (SCORE_BANDS.find((band) => band.key === evidence.group.scoreBand)?.label ??
              evidence.group.scoreBand),
        bias: evidence.group.bias,
        horizon: evidence.horizon,
        hitRate: percent(evidence.hitRate),
        count: formatWholeNumber(evidence.count, language),
        chanceHitRate: percent(evidence.chanceHitRate),
        verdict: evidence.verdict,
      });
    case "not-enough-history":
      return text.notEnoughHistory({
        signal,
        count: evidence.count === 0 ? null : formatWholeNumber(evidence.count, language),
        minimum: formatWholeNumber(evidence.minimumCount, language),
      });
    case "not-tracked":
      return text.notTracked(signal);
  }
}
