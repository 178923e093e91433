/**
 * Builds hand-made bar sequences whose features are easy to compute by hand.
 *
 * Every "regular" bar has `high = close + spread/2`, `low = close − spread/2`, `open = close`, and
 * the same volume, so right after a segment of at least 20 regular bars:
 * - the 20-bar average volume is `volume` and the average spread is `spread` (vr = volume / V, sr = spread / S);
 * - ATR14 is `spread` as long as `step <= spread / 2` (the true range is the bar's own range);
 * - trend = (sma10[t-1] − sma10[t-11]) / atr = ±10·step / spread: step 0.5, spread 2 → ±2.5 (up/down),
 *   step 0 → flat;
 * - the 20-bar low/high are those of the regular bars.
 *
 * Dates are consecutive calendar days from 2020-01-01 (the analysis only needs increasing times).
 *
 * @example
 * const bars = new BarSequence().trend("down", 60, { endClose: 100 }).bar({ high: 101, low: 96, close: 99, volume: 3000 }).build();
 */
import type { Bar } from "../../src/index.ts";

export interface RegularBarOptions {
  /** Close of the last bar of the segment. Default: the last close so far, or 100. */
  readonly endClose?: number;
  /** high − low of each bar. Default 2. */
  readonly spread?: number;
  /** Volume of each bar. Default 1000. */
  readonly volume?: number;
  /** Close-to-close move of a trending segment. Default 0.5. */
  readonly step?: number;
}

export interface BarInput {
  readonly open?: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2020, 0, 1);

export class BarSequence {
  private readonly bars: Bar[] = [];

  get length(): number {
    return this.bars.length;
  }

  /** Close of the last bar. */
  get lastClose(): number {
    return this.bars.at(-1)?.close ?? 100;
  }

  /** `count` regular bars at one price: trend `flat`. */
  flat(count: number, options: RegularBarOptions = {}): this {
    return this.trend("flat", count, options);
  }

  /** `count` regular bars whose closes move by `step` per bar and end at `endClose`. */
  trend(direction: "up" | "down" | "flat", count: number, options: RegularBarOptions = {}): this {
    const endClose = options.endClose ?? this.lastClose;
    const spread = options.spread ?? 2;
    const volume = options.volume ?? 1000;
    const step = direction === "flat" ? 0 : (options.step ?? 0.5);
    const sign = direction === "down" ? -1 : 1;
    for (let i = 0; i < count; i++) {
      const close = endClose - sign * step * (count - 1 - i);
      this.push({ open: close, high: close + spread / 2, low: close - spread / 2, close, volume });
    }
    return this;
  }

  /** Appends one bar (open defaults to the close). */
  bar(input: BarInput): this {
    this.push(input);
    return this;
  }

  /**
   * Sets the volumes of the last `volumes.length` bars (oldest first) and, unless
   * `keepAverage: false`, changes the bar just before them so that the sum of the last 20
   * volumes (the next bar's average) is unchanged.
   */
  withRecentVolumes(volumes: readonly number[], options: { readonly keepAverage?: boolean } = {}): this {
    const k = volumes.length;
    if (options.keepAverage === false) {
      volumes.forEach((volume, j) => {
        const index = this.bars.length - k + j;
        this.bars[index] = { ...this.bars[index]!, volume };
      });
      return this;
    }
    const anchorIndex = this.bars.length - 1 - k;
    const anchor = this.bars[anchorIndex];
    if (anchor === undefined || k >= 20) throw new RangeError("not enough bars to adjust");
    let delta = 0;
    volumes.forEach((volume, j) => {
      const index = this.bars.length - k + j;
      const bar = this.bars[index]!;
      delta += bar.volume - volume;
      this.bars[index] = { ...bar, volume };
    });
    const anchorVolume = anchor.volume + delta;
    if (anchorVolume < 0)
      throw new RangeError(`cannot keep the average: the anchor volume would be ${anchorVolume}`);
    this.bars[anchorIndex] = { ...anchor, volume: anchorVolume };
    return this;
  }

  /** Sets the volume of the bar `barsBack` bars before the next one (1 = the last bar). */
  withVolumeBarsBack(barsBack: number, volume: number): this {
    const index = this.bars.length - barsBack;
    const bar = this.bars[index];
    if (bar === undefined) throw new RangeError(`no bar ${barsBack} back`);
    this.bars[index] = { ...bar, volume };
    return this;
  }

  build(): Bar[] {
    return [...this.bars];
  }

  private push(input: BarInput): void {
    const time = new Date(START_MS + this.bars.length * DAY_MS).toISOString().slice(0, 10);
    this.bars.push({
      time,
      open: input.open ?? input.close,
      high: input.high,
      low: input.low,
      close: input.close,
      volume: input.volume,
    });
  }
}
