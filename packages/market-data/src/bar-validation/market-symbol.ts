/** Longest symbol accepted: stocks have 3 letters, warrants and futures up to 8 (`CVNM2301`, `VN30F1M`). */
export const MAX_SYMBOL_LENGTH = 12;

/** Whether `text` is a symbol as stored: 1–{@link MAX_SYMBOL_LENGTH} of ASCII `A-Z 0-9`. */
export function isMarketSymbol(text: string): boolean {
  const length = text.length;
  if (length < 1 || length > MAX_SYMBOL_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 65 && code <= 90) || (code >= 48 && code <= 57))) return false;
  }
  return true;
}

/**
 * Upper-cases ASCII `a-z` only. `String.prototype.toUpperCase` applies Unicode case mapping, which
 * folds other letters into ASCII: `"ﬁſh".toUpperCase()` is `"FISH"`, so garbage would become a
 * real symbol. Here every non-ASCII character stays as it is, and the symbol check rejects it.
 */
export function toAsciiUpperCase(text: string): string {
  let i = 0;
  while (i < text.length && !isAsciiLower(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  let upper = text.slice(0, i);
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    upper += isAsciiLower(code) ? String.fromCharCode(code - 32) : text[i];
  }
  return upper;
}

/**
 * The symbol `text` names, trimmed and ASCII-upper-cased, or null when that is not 1–12 of
 * `A-Z 0-9`. Never rewritten otherwise: no Unicode normalisation or case folding.
 *
 * @example
 * normalizeMarketSymbol(" vcb "); // "VCB"
 * normalizeMarketSymbol("ﬁſh"); // null (toUpperCase would make it "FISH")
 */
export function normalizeMarketSymbol(text: string): string | null {
  if (isMarketSymbol(text)) return text;
  const symbol = toAsciiUpperCase(text.trim());
  return isMarketSymbol(symbol) ? symbol : null;
}

function isAsciiLower(code: number): boolean {
  return code >= 97 && code <= 122;
}
