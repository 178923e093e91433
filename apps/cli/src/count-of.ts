/** "1 symbol", "7,615 bars": a count and its noun, in English, for the command line's sentences. */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
