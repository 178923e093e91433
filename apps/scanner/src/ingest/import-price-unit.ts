/**
 * The price unit of an imported file. Inside the system prices are **thousand VND** (23.45 =
 * 23,450 VND), the unit most sources publish; files in VND (e.g. Vietcap's API) are divided by
 * 1,000 as they are read, before validation, so every rule and the database see one unit.
 */
export const PRICE_UNITS = ["thousand", "vnd"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export function isPriceUnit(value: string): value is PriceUnit {
  return (PRICE_UNITS as readonly string[]).includes(value);
}

/**
 * What a price in `unit` is divided by to become thousand VND. A division, not a multiplication by
 * 0.001: 23400 / 1000 is exactly the double nearest 23.4, 23400 * 0.001 is 23.400000000000002.
 */
export function priceDivisorToThousandVnd(unit: PriceUnit): number {
  return unit === "vnd" ? 1000 : 1;
}
