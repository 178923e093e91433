/**
 * A seeded generator for tests, benchmarks and generated data: mulberry32 (Tommy Ettinger's
 * 32-bit generator), so a seed always gives the same numbers, uniform in [0, 1). The same sequence
 * as vpa-core's `mulberry32` (track-record/seeded-random.ts), which the core keeps for itself:
 * the core imports nothing from test-support.
 *
 * @example
 * const next = seededRandom(42);
 * next(); // 0.6011037519201636, every time
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
