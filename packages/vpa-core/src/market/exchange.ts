/**
 * The three Vietnamese stock exchanges (vn-market.md §1). HSX is another name for HOSE.
 *
 * @example
 * const exchange: Exchange = "HOSE";
 */
export const EXCHANGES = ["HOSE", "HNX", "UPCOM"] as const;

export type Exchange = (typeof EXCHANGES)[number];

/**
 * Parses an exchange code as data sources spell it (`HOSE`, `HSX`, `hnx`, `UpCoM`...).
 *
 * @example
 * parseExchange("HSX"); // "HOSE"
 * parseExchange("LSE"); // null
 */
export function parseExchange(code: string): Exchange | null {
  const upper = code.trim().toUpperCase();
  if (upper === "HSX") return "HOSE";
  return (EXCHANGES as readonly string[]).includes(upper) ? (upper as Exchange) : null;
}
