import type { SignalType } from "../signal-type.ts";
import type { SignalRecord } from "../vpa-record.ts";
import type { BacktestConfig } from "./backtest-config.ts";
import type { BacktestUniverse } from "./backtest-universe.ts";

/** A bar whose close says "buy at the next open". */
export interface EntryCandidate {
  readonly symbolIndex: number;
  readonly symbol: string;
  /** The deciding bar (signal, or confirmation with `requireConfirmation`) and its session. */
  readonly bar: number;
  readonly day: number;
  readonly time: string;
  readonly type: SignalType;
  readonly score: number;
  readonly confidence: number;
}

export interface SignalEvents {
  /** Sorted by session, then score (highest first), confidence, symbol: the order orders are placed in. */
  readonly candidates: EntryCandidate[];
  /** Per symbol, 1 at each bar with a bear signal of at least `exitMinScore`. */
  readonly bearSignalAt: Uint8Array[];
}

/**
 * Reads the analyzer's records of each symbol (time order) into entry candidates and bear-exit
 * flags, inside the period only. With `requireConfirmation`, the candidate is the confirmation
 * record (dated t+1, vpa-signals.md §6), carrying the signal's score and the confirmed confidence.
 */
export function collectSignalEvents(universe: BacktestUniverse, config: BacktestConfig): SignalEvents {
  const entryTypes = new Set<string>(config.entrySignals);
  const candidates: EntryCandidate[] = [];
  const bearSignalAt: Uint8Array[] = [];
  for (const symbol of universe.symbols) {
    const bear = new Uint8Array(symbol.endBar);
    bearSignalAt.push(bear);
    const time = symbol.columns.time;
    const signalsAt = new Map<string, SignalRecord[]>();
    let bar = 0;
    for (const record of symbol.records) {
      // Every record is dated at one of the symbol's bars (the analyzer stores the bar's own time
      // string, so this is mostly a pointer comparison): walk forward to it.
      while (bar < symbol.endBar && time[bar] !== record.time) bar++;
      if (bar >= symbol.endBar) break;
      if (record.kind === "signal") {
        if (record.bias === "bear") {
          if (bar >= symbol.firstBar && record.score >= config.exitMinScore) bear[bar] = 1;
          continue;
        }
        if (!entryTypes.has(record.type) || record.score < config.minScore) continue;
        if (config.requireConfirmation) {
          const list = signalsAt.get(record.time);
          if (list === undefined) signalsAt.set(record.time, [record]);
          else list.push(record);
          continue;
        }
        if (bar < symbol.firstBar || record.confidence < config.minConfidence) continue;
        candidates.push({
          symbolIndex: symbol.index,
          symbol: symbol.symbol,
          bar,
          day: symbol.dayOf[bar]!,
          time: record.time,
          type: record.type,
          score: record.score,
          confidence: record.confidence,
        });
      } else if (config.requireConfirmation && record.outcome === "confirmed" && record.bias === "bull") {
        const signal = signalsAt.get(record.refTime)?.find((s) => s.type === record.type);
        signalsAt.delete(record.refTime);
        if (signal === undefined || bar < symbol.firstBar || record.confidence < config.minConfidence)
          continue;
        candidates.push({
          symbolIndex: symbol.index,
          symbol: symbol.symbol,
          bar,
          day: symbol.dayOf[bar]!,
          time: record.time,
          type: signal.type,
          score: signal.score,
          confidence: record.confidence,
        });
      }
    }
  }
  candidates.sort(
    (a, b) =>
      a.day - b.day ||
      b.score - a.score ||
      b.confidence - a.confidence ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
  return { candidates, bearSignalAt };
}
