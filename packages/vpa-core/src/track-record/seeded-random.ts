/**
 * Seeded pseudo-random numbers for the chance baseline and the bootstrap. The core has no
 * randomness of its own: the caller gives the seed, and the same seed gives the same figures.
 */

/** A source of numbers uniform in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): small, fast, and good enough for resampling.
 *
 * @example
 * const random = mulberry32(42);
 * random(); // 0.6011037519201636, every time
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A seed of its own for `key` under the caller's `seed` (FNV-1a over the key's UTF-16 code units,
 * started from the mixed seed). Each signal's chance draw and each group's bootstrap gets one, so a
 * figure does not depend on the order in which signals or groups are computed: the batch study
 * and the incremental update draw the same numbers.
 *
 * @example
 * mulberry32(seedFor(7, "chance|VCB|2020-03-23|SELLING_CLIMAX"))();
 */
export function seedFor(seed: number, key: string): number {
  let h = (mix32(seed) ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}
