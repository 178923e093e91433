import { seededRandom } from "../../../../test-support/seeded-random.ts";
import type { Bar } from "../../src/index.ts";

/** Deterministic PRNG (mulberry32, the shared test helper): generated series reproduce from their seed. */
export { seededRandom };

/**
 * A valid random series with the awkward cases real feeds have: regime changes (trends, calm,
 * volatile), zero-volume stretches, degenerate bars (high == low), unchanged closes, gaps and
 * volume spikes. Every bar satisfies low <= open, close <= high.
 */
export function generateSeries(length: number, seed: number): Bar[] {
  const next = seededRandom(seed);
  const bars: Bar[] = [];
  let price = 20 + next() * 80;
  let drift = 0;
  let volatility = 0.02;
  let zeroVolumeLeft = 0;
  const start = Date.UTC(2010, 0, 1);
  for (let i = 0; i < length; i++) {
    if (next() < 0.02) drift = (next() - 0.5) * 0.01;
    if (next() < 0.02) volatility = 0.002 + next() * 0.05;
    if (next() < 0.005) zeroVolumeLeft = Math.floor(next() * 30);
    const gap = next() < 0.01 ? (next() - 0.5) * 0.3 : 0;
    const previous = price;
    price = Math.max(0.1, price * (1 + drift + gap + (next() - 0.5) * volatility));
    if (next() < 0.05) price = previous; // unchanged close
    const round = (x: number) => Math.round(x * 100) / 100;
    const close = round(price);
    const open = round(previous * (1 + (next() - 0.5) * volatility));
    let high = Math.max(open, close) + round(next() * volatility * price);
    let low = Math.min(open, close) - round(next() * volatility * price);
    if (next() < 0.03) {
      high = close; // degenerate bar: locked limit or no trade
      low = close;
    }
    high = Math.max(high, open, close);
    low = Math.max(0.01, Math.min(low, open, close));
    let volume = zeroVolumeLeft > 0 ? 0 : Math.round(1_000 + next() * 100_000 * (next() < 0.05 ? 8 : 1));
    if (zeroVolumeLeft > 0) zeroVolumeLeft--;
    if (high === low && next() < 0.5) volume = 0;
    bars.push({
      time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      open: Math.min(Math.max(open, low), high),
      high,
      low,
      close,
      volume,
    });
  }
  return bars;
}

type IlliquidRegime = "trading" | "halted" | "locked" | "unmatched";

/**
 * An illiquid symbol: ordinary trading between long stretches (20–60 bars, so that a 20-bar
 * average can reach 0) in which it is
 * - `halted`: no trade, the last price repeats (high = low = close, volume 0): vr and sr undefined after;
 * - `locked` at a price limit: one price per bar, gapping up or down, with volume: sr undefined after;
 * - `unmatched`: quotes move but nothing matches (a range, volume 0): vr undefined after.
 * The first trading bars after a stretch are the ones vpa-signals.md v1.1 §2 is about. Every bar
 * satisfies low <= open, close <= high.
 */
export function generateIlliquidSeries(length: number, seed: number): Bar[] {
  const next = seededRandom(seed);
  const round = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);
  const bars: Bar[] = [];
  let price = 10 + next() * 50;
  let regime: IlliquidRegime = "trading";
  let regimeLeft = 0;
  const start = Date.UTC(2012, 0, 2);
  for (let i = 0; i < length; i++) {
    if (regimeLeft === 0) {
      const pick = next();
      regime = pick < 0.4 ? "trading" : pick < 0.6 ? "halted" : pick < 0.8 ? "locked" : "unmatched";
      regimeLeft = regime === "trading" ? 3 + Math.floor(next() * 30) : 20 + Math.floor(next() * 40);
    }
    regimeLeft--;
    const previous = price;
    let open = price;
    let high = price;
    let low = price;
    let close = price;
    let volume = 0;
    if (regime === "locked") {
      price = round(price * (1 + (next() < 0.6 ? -0.07 : 0.07)));
      open = high = low = close = price;
      volume = Math.round(500 + next() * 20_000);
    } else if (regime === "unmatched" || regime === "trading") {
      price = round(price * (1 + (next() - 0.5) * 0.08));
      close = price;
      open = round(previous * (1 + (next() - 0.5) * 0.04));
      high = round(Math.max(open, close) * (1 + next() * 0.04));
      low = round(Math.min(open, close) * (1 - next() * 0.04));
      if (regime === "trading") volume = Math.round(1_000 + next() * 30_000 * (next() < 0.2 ? 6 : 1));
    }
    bars.push({
      time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      open,
      high,
      low,
      close,
      volume,
    });
  }
  return bars;
}
