import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";

/** Field readers shared by the wire-format decoders: each throws InvalidStreamMessageError. */
export function readString(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== "string" || value.trim() === "")
    throw new InvalidStreamMessageError(`field ${field} must be a non-empty string`);
  return value.trim();
}

export function readNumber(record: Record<string, unknown>, field: string, minimum = 0): number {
  const value = record[field];
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
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
