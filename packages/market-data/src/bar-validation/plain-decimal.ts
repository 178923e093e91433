/**
 * Reads the one number notation accepted from text at the edges: `-?\d+(\.\d+)?` with ASCII digits
 * ("23.45", "-1", "1500.0"). Anything else is NaN, so the caller rejects it as `not-a-number`:
 * "" and " " (which `Number()` reads as 0), "0x10" (16), "0b11", "1e300" and "1E-3" (exponents),
 * "Infinity", "NaN", "+5", ".5", "5.", "1,000", "23,45". Real sources write plain decimals; any
 * other notation means a misread or misconfigured file, and a guess would store a number the source
 * never meant. The sign is accepted so that "-5" is reported as a negative value, not as text.
 *
 * Hand-written (one pass over a few characters) because the importer calls it five times a row.
 *
 * @example
 * parsePlainDecimal("23.45"); // 23.45
 * parsePlainDecimal("0x10"); // NaN
 */
export function parsePlainDecimal(text: string): number {
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // "-"
  const integerStart = i;
  while (i < length && isAsciiDigit(text.charCodeAt(i))) i++;
  if (i === integerStart) return Number.NaN;
  if (i < length) {
    if (text.charCodeAt(i) !== 46) return Number.NaN; // "."
    i++;
    const fractionStart = i;
    while (i < length && isAsciiDigit(text.charCodeAt(i))) i++;
    if (i === fractionStart || i < length) return Number.NaN;
  }
  return Number(text);
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
