import { MAX_SYMBOL_LENGTH, normalizeMarketSymbol } from "../bar-validation/market-symbol.ts";
import { parsePlainDecimal } from "../bar-validation/plain-decimal.ts";
import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";

/** Field readers shared by the wire-format decoders: each throws InvalidStreamMessageError. */
export function readString(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== "string" || value.trim() === "")
    throw new InvalidStreamMessageError(`field ${field} must be a non-empty string`);
  return value.trim();
}

/** A symbol, trimmed and ASCII-upper-cased only (bar-validation/market-symbol.ts): never folded. */
export function readSymbol(record: Record<string, unknown>, field: string): string {
  const text = readString(record, field);
  const symbol = normalizeMarketSymbol(text);
  if (symbol === null)
    throw new InvalidStreamMessageError(
      `field ${field} ${JSON.stringify(text)} is not a symbol (1–${MAX_SYMBOL_LENGTH} of A-Z 0-9)`,
    );
  return symbol;
}

/** A JSON number, or a string in plain decimal notation ("0x10", "1e2" are refused). */
export function readNumber(record: Record<string, unknown>, field: string, minimum = 0): number {
  const value = record[field];
  const number = typeof value === "string" ? parsePlainDecimal(value.trim()) : value;
  if (typeof number !== "number" || !Number.isFinite(number) || number < minimum)
    throw new InvalidStreamMessageError(`field ${field} must be a number >= ${minimum}`);
  return number;
}

export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidStreamMessageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidStreamMessageError(`${what} is not JSON`, { cause: error });
  }
}
