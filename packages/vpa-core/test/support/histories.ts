/**
 * Standard 60-bar histories for the signal tests (bar index 60 is the bar under test, so the
 * confidence has no short-history penalty). All prices are integers so that every threshold can
 * be hit exactly. After each history, for the next bar t = 60:
 *
 * | history  | avg volume | avg spread | ATR | trend         | prev close/high/low | support (20-bar low) | resistance (20-bar high) | min low t-4..t-1 |
 * |----------|-----------:|-----------:|----:|---------------|---------------------|---------------------:|-------------------------:|-----------------:|
 * | flat     | 1000       | 100        | 100 | flat (0)      | 10000/10050/9950    | 9950                 | 10050                    | 9950             |
 * | downtrend| 1000       | 100        | 100 | down (−2.5)   | 10000/10050/9950    | 9950                 | 10525                    | 9950             |
 * | uptrend  | 1000       | 100        | 100 | up (+2.5)     | 10000/10050/9950    | 9475                 | 10050                    | 9875             |
 *
 * (trend = ±10 bars × 25 per bar / ATR 100; ATR = 100 because each true range is the bar's own range.)
 */
import { BarSequence } from "./bar-sequence.ts";

export const REGULAR = { endClose: 10_000, spread: 100, volume: 1000, step: 25 } as const;

export function flatHistory(length = 60): BarSequence {
  return new BarSequence().trend("flat", length, REGULAR);
}

export function downtrendHistory(length = 60): BarSequence {
  return new BarSequence().trend("down", length, REGULAR);
}

export function uptrendHistory(length = 60): BarSequence {
  return new BarSequence().trend("up", length, REGULAR);
}
