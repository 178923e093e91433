/**
 * The bench's market: 1-minute bars of every symbol of the shared daily dataset over three HOSE
 * trading days, built deterministically (same input, same bars, byte for byte). See README.md.
 *
 * For each symbol its last three daily bars are laid on three fixed sessions (2021-07-13, 14 and
 * 15: the dataset's last days, when most symbols trade). Each daily bar becomes the 255 minutes of
 * HOSE's trading blocks (09:00–11:29, 13:00–14:44) by:
 * - volume: the day's volume spread over the minutes by the intraday profile of the real VN30F1M
 *   minutes (the mean share of a session's volume traded at each minute of day over its 41
 *   sessions; a minute the futures do not trade gets the profile's mean share), times a seeded
 *   factor in [0.5, 1.5), rounded to whole shares;
 * - price: a seeded random walk of 255 steps from the open, bent into a bridge that ends at the
 *   close, then scaled so that its lowest and highest points are the day's low and high. Minute
 *   i opens at point i and closes at point i+1; its high and low are those two points' extremes.
 * Seeds come from the symbol and the day (FNV-1a), so any subset of symbols builds the same bars.
 */
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { seededRandom } from "../../test-support/seeded-random.ts";

export const REPLAY_SESSIONS = ["2021-07-13", "2021-07-14", "2021-07-15"] as const;

/** Minutes of day of HOSE's trading blocks (session-bucket.ts): 09:00–11:30 and 13:00–14:45. */
export const SESSION_MINUTES: readonly number[] = [
  ...Array.from({ length: 150 }, (_, i) => 9 * 60 + i),
  ...Array.from({ length: 105 }, (_, i) => 13 * 60 + i),
];

export interface MinuteBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

interface DailyBar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Each symbol's last three daily bars, oldest first (symbols with fewer are left out). */
export async function readLastDailyBars(path: string, symbols?: number): Promise<Map<string, DailyBar[]>> {
  const last = new Map<string, DailyBar[]>();
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith("symbol,")) continue;
    const [symbol, , open, high, low, close, volume] = line.split(",");
    const bar = {
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    };
    // Skip the dataset's 8 inconsistent rows rather than repair them here.
    if (!(bar.low <= Math.min(bar.open, bar.close) && Math.max(bar.open, bar.close) <= bar.high)) continue;
    const bars = last.get(symbol!) ?? [];
    bars.push(bar);
    if (bars.length > REPLAY_SESSIONS.length) bars.shift();
    last.set(symbol!, bars);
  }
  const complete = [...last.entries()].filter(([, bars]) => bars.length === REPLAY_SESSIONS.length);
  complete.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return new Map(symbols === undefined ? complete : complete.slice(0, symbols));
}

/** Share of a session's volume per minute of `SESSION_MINUTES`, from the real VN30F1M minutes. */
export function minuteVolumeProfile(vn30f1mMinutesCsv: string): Float64Array {
  const byDay = new Map<string, Map<number, number>>();
  for (const line of readFileSync(vn30f1mMinutesCsv, "utf8").split("\n")) {
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):\d{2},[^,]*,[^,]*,[^,]*,[^,]*,(\d+)/.exec(line);
    if (match === null) continue;
    const day = byDay.get(match[1]!) ?? new Map<number, number>();
    day.set(Number(match[2]) * 60 + Number(match[3]), Number(match[4]));
    byDay.set(match[1]!, day);
  }
  const shares = new Float64Array(SESSION_MINUTES.length);
  const seen = new Float64Array(SESSION_MINUTES.length);
  for (const day of byDay.values()) {
    const total = [...day.values()].reduce((sum, v) => sum + v, 0);
    if (total === 0) continue;
    SESSION_MINUTES.forEach((minute, i) => {
      shares[i]! += (day.get(minute) ?? 0) / total;
      seen[i]! += 1;
    });
  }
  const mean = shares.reduce((sum, s) => sum + s, 0) / shares.length;
  const profile = shares.map((share, i) => (seen[i]! > 0 && share > 0 ? share / seen[i]! : mean));
  const sum = profile.reduce((total, share) => total + share, 0);
  return profile.map((share) => share / sum);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The 255 minute bars of one symbol's daily bar on `session`. */
export function buildMinuteBars(
  symbol: string,
  session: string,
  daily: DailyBar,
  profile: Float64Array,
): MinuteBar[] {
  const next = seededRandom(fnv1a(`${symbol}|${session}`));
  const steps = SESSION_MINUTES.length;
  // A random walk bent into a bridge from open to close, then scaled onto [low, high].
  const walk = new Float64Array(steps + 1);
  for (let i = 1; i <= steps; i++) walk[i] = walk[i - 1]! + (next() - 0.5);
  const path = walk.map((w, i) => w - (walk[steps]! * i) / steps);
  const range = daily.high - daily.low;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of path) {
    min = Math.min(min, p);
    max = Math.max(max, p);
  }
  const points = path.map((p, i) => {
    if (range === 0 || max === min) return daily.close;
    const drift = daily.open + ((daily.close - daily.open) * i) / steps;
    const scaled = drift + ((p - (min + max) / 2) / (max - min)) * range;
    return Math.min(daily.high, Math.max(daily.low, scaled));
  });
  // The day's extremes are met: the lowest and highest points are pinned to them.
  let lowAt = 0;
  let highAt = 0;
  points.forEach((p, i) => {
    if (p < points[lowAt]!) lowAt = i;
    if (p > points[highAt]!) highAt = i;
  });
  points[lowAt] = daily.low;
  points[highAt] = daily.high;
  const volumes = SESSION_MINUTES.map((_, i) => daily.volume * profile[i]! * (0.5 + next()));
  const volumeSum = volumes.reduce((sum, v) => sum + v, 0);
  return SESSION_MINUTES.map((minute, i) => {
    const open = round2(points[i]!);
    const close = round2(points[i + 1]!);
    const hh = String(Math.floor(minute / 60)).padStart(2, "0");
    const mm = String(minute % 60).padStart(2, "0");
    return {
      time: `${session}T${hh}:${mm}:00+07:00`,
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume: volumeSum > 0 ? Math.floor((volumes[i]! * daily.volume) / volumeSum) : 0,
    };
  });
}
