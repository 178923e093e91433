/**
 * Reads the one number notation accepted from text at the edges: `-?\d+(\.\d+)?` with ASCII digits
 * ("23.45", "-1", "1500.0"). Anything else is NaN, so the caller rejects it as `not-a-number`:
 * "" and " " (which `Number()` reads as 0), "0x10" (16), "0b11", "1e300" and "1E-3" (exponents),
 * "Infinity", "NaN", "+5", ".5", "5.", "1,000", "23,45". Real sources write plain decimals; any
 * other notation means a misread or misconfigured file, and a guess would store a number the source
 * never meant. The sign is accepted so that "-5" is reported as a negative value, not as text.
 *
 * Hand-written, one pass that also computes the value: the importer calls it five times a row, and
 * checking the notation and then calling `Number()` cost it about half again its validation time.
 *
 * @example
 * parsePlainDecimal("23.45"); // 23.45
 * parsePlainDecimal("0x10"); // NaN
 */
export function parsePlainDecimal(text: string): number {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; // "-"
  let i = negative ? 1 : 0;
  const integerStart = i;
  let mantissa = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  if (i === integerStart) return Number.NaN;
  let scale = 0;
  if (i < length) {
    if (text.charCodeAt(i) !== 46) return Number.NaN; // "."
    const fractionStart = ++i;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
      mantissa = mantissa * 10 + digit;
    }
    scale = i - fractionStart;
    if (scale === 0) return Number.NaN;
  }
  // Fast path (Clinger): the digits as an integer below 2^53 are exact, 10^scale is exact up to
  // 10^22, and one IEEE division of exact operands is correctly rounded: the same double as
  // Number(text), without parsing the text a second time.
  if (mantissa <= Number.MAX_SAFE_INTEGER && scale < POWERS_OF_TEN.length) {
    const value = mantissa / (POWERS_OF_TEN[scale] as number);
    return negative ? -value : value;
  }
  return Number(text);
}

/** 10^0 … 10^22, each exactly a double (read from text, which rounds correctly; `**` may not). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => Number(`1e${exponent}`));
