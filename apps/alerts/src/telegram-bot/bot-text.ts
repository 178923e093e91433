/**
 * Small helpers for what the bot reads and quotes back. The words themselves live in the
 * catalogues (`src/i18n`).
 */

/** Upper-cases a–z only. `toUpperCase()` folds Unicode ("ﬁ" → "FI", "ı" → "I", "ß" → "SS"). */
export function upperCaseAscii(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Lower-cases A–Z only (command names), for the same reason. */
export function lowerCaseAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** A user-supplied token cut to `maxLength` characters, to quote back without echoing a flood. */
export function quoteShort(token: string, maxLength = 20): string {
  const characters = [...token];
  return characters.length <= maxLength ? token : `${characters.slice(0, maxLength).join("")}…`;
}

/** The first `shown` items joined with ", ", then "(+K)" for the rest. */
export function listSome(items: readonly string[], shown = 5): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head} (+${items.length - shown})` : head;
}
