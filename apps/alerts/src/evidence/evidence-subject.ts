import type { DigestItem, SignalView } from "@vpa/db";
import type { EvidenceSubject } from "./signal-evidence.ts";

/** A stored signal as the subject of its evidence (an alert, /signals, `vpa signals`). */
export function evidenceSubjectOfSignal(signal: SignalView): EvidenceSubject {
  return {
    type: signal.type,
    bias: signal.bias,
    exchange: signal.exchange,
    score: signal.score,
    time: signal.time,
    timeframe: signal.timeframe,
  };
}

/** A digest's line as the subject of its evidence (the digest stores no timeframe: its bar time tells). */
export function evidenceSubjectOfDigestItem(item: DigestItem): EvidenceSubject {
  return {
    type: item.signalType,
    bias: item.bias,
    exchange: item.exchange,
    score: item.score,
    time: item.time,
  };
}
