/**
 * The edit distance between two words, counting an insertion, a deletion, a substitution or a swap
 * of two neighbouring letters as one edit (optimal string alignment): `sginals` and `signal` are
 * each one edit from `signals`.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between the first i letters of a and the first j of b.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Edits a typo may have and still be suggested (commander's and git's limit too). */
const MAX_EDITS = 2;

/**
 * The candidates the user most likely meant by `typed`: the nearest ones within two edits, which
 * must keep more than 40 % of the longer word (so `ab` does not suggest `xy`), or else the one
 * candidate `typed` is the start of (`--sym` → `--symbol`). Empty when nothing is close.
 */
export function suggestSimilar(typed: string, candidates: readonly string[]): string[] {
  let best = MAX_EDITS + 1;
  let nearest: string[] = [];
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(typed, candidate);
    const length = Math.max(typed.length, candidate.length);
    if (distance > MAX_EDITS || (length - distance) / length <= 0.4) continue;
    if (distance < best) {
      best = distance;
      nearest = [candidate];
    } else if (distance === best) {
      nearest.push(candidate);
    }
  }
  if (nearest.length > 0) return nearest.sort();
  const extended = candidates.filter((candidate) => typed.length >= 2 && candidate.startsWith(typed));
  return extended.length === 1 ? extended : [];
}

/** " (did you mean --symbol?)", " (did you mean status or stream?)", or "" when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const similar = suggestSimilar(typed, candidates);
  if (similar.length === 0) return "";
  const listed =
    similar.length === 1
      ? similar[0]
      : `${similar.slice(0, -1).join(", ")} or ${similar[similar.length - 1] as string}`;
  return ` (did you mean ${listed}?)`;
}
