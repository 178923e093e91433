import { TIMEFRAMES } from "@vpa/db";
import { z } from "zod";

/** Zod pieces the routes share: request fields (coerced from query strings) and answer shapes. */

export const symbolField = z
  .string()
  .regex(/^[A-Z0-9]{1,12}$/, { message: "must be 1-12 capital letters or digits, e.g. VCB" });

export const signalTypeField = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,39}$/, { message: "must be a signal type in capitals, e.g. SPRING" });

export const exchangeField = z.enum(["HOSE", "HNX", "UPCOM"]);
export const timeframeField = z.enum(TIMEFRAMES);
export const biasField = z.enum(["bull", "bear"]);

/** A bar time: `YYYY-MM-DD` (daily bars) or an ISO-8601 instant with its offset. */
export const barTimeField = z
  .string()
  .max(40)
  .refine(
    (value) =>
      (/^\d{4}-\d{2}-\d{2}$/.test(value) ||
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) &&
      !Number.isNaN(Date.parse(value)),
    { message: "must be YYYY-MM-DD or an ISO-8601 instant with an offset" },
  );

export const integerField = (min: number, max: number) =>
  z.coerce
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(min)
    .max(max);

export const idParams = z.strictObject({ id: integerField(1, 2_147_483_647) });

export const confirmationSchema = z
  .object({ time: z.string(), outcome: z.string(), confidence: z.number() })
  .nullable();

export const signalSchema = z.object({
  id: z.number().int(),
  symbol: z.string(),
  name: z.string().nullable(),
  exchange: z.string().nullable(),
  timeframe: z.string(),
  time: z.string().describe("The signal's bar: YYYY-MM-DD for daily bars, an instant (+07:00) otherwise"),
  type: z.string(),
  bias: biasField,
  score: z.number(),
  confidence: z.number(),
  priority: z.enum(["HIGH", "MEDIUM", "LOW"]),
  variant: z.string().nullable(),
  volumeRatio: z.number(),
  spreadRatio: z.number(),
  closeLocation: z.number(),
  trend: z.string(),
  close: z.number().describe("Thousand VND"),
  volume: z.number(),
  priceChange: z.number(),
  confirmation: confirmationSchema,
  createdAt: z.string().describe("When the signal was stored (ISO-8601)"),
});

export const barSchema = z.object({
  time: z.string(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

/** What JSON makes of a value with Dates in it: the shape the zod answer schemas describe. */
export function toJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}
