/**
 * Close location `cl = (close − low) / (high − low)` (vpa-signals.md §2): 0 at the low, 1 at the
 * high. A degenerate bar (`high == low`) has no range to locate the close in; the spec fixes
 * `cl = 0.5` (a middle close), and callers flag the bar as degenerate.
 *
 * @example
 * closeLocation(110, 100, 107.5); // 0.75
 * closeLocation(100, 100, 100);   // 0.5 (degenerate)
 */
export function closeLocation(high: number, low: number, close: number): number {
  const range = high - low;
  return range > 0 ? (close - low) / range : 0.5;
}
