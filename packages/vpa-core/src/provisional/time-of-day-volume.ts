import { toVietnamTime } from "../market/vietnam-time.ts";
import { TIME_OF_DAY_MIN_SESSIONS, TIME_OF_DAY_SESSIONS } from "./provisional-parameters.ts";

/** The last volumes of bars that opened at one minute of the day, newest overwriting oldest. */
interface Slot {
  readonly volumes: Float64Array;
  count: number;
  next: number;
}

/**
 * `tod` of vpa-signals.md §10: per local minute of day at which a bar opens, the mean volume of
 * that bar over the last {@link TIME_OF_DAY_SESSIONS} sessions. Feed it every closed bar of one
 * symbol and timeframe, oldest first (one bar per slot per session). O(1) per bar; memory is one
 * small ring per slot in use (a 1-minute stream: ~270 slots × 20 volumes).
 *
 * @example
 * const tod = new TimeOfDayVolume();
 * for (const bar of closedBars) tod.push(bar.time, bar.volume);
 * tod.average("2024-03-05T10:15:00+07:00"); // mean of the 10:15 bars' volumes, or NaN (< 5 sessions)
 */
export class TimeOfDayVolume {
  private readonly slots = new Map<number, Slot>();

  push(time: string, volume: number): void {
    const key = minuteKey(time);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { volumes: new Float64Array(TIME_OF_DAY_SESSIONS), count: 0, next: 0 };
      this.slots.set(key, slot);
    }
    slot.volumes[slot.next] = volume;
    slot.next = (slot.next + 1) % TIME_OF_DAY_SESSIONS;
    slot.count = Math.min(slot.count + 1, TIME_OF_DAY_SESSIONS);
  }

  /** Mean volume of the bars that opened at `time`'s minute of day; NaN with fewer than 5 of them. */
  average(time: string): number {
    const slot = this.slots.get(minuteKey(time));
    if (slot === undefined || slot.count < TIME_OF_DAY_MIN_SESSIONS) return Number.NaN;
    let sum = 0;
    for (let i = 0; i < slot.count; i++) sum += slot.volumes[i]!;
    return sum / slot.count;
  }
}

function minuteKey(time: string): number {
  return toVietnamTime(Date.parse(time)).minuteOfDay;
}
