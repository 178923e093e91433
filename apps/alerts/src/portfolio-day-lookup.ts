import { type Database, listPortfolioDays, type PortfolioDay } from "@vpa/db";
import type { Kysely } from "kysely";
import { DIGEST_PORTFOLIO_LINES } from "./render/render-digest.ts";

/** The paper portfolios' last closes that every digest carries (render-digest.ts). */
export interface PortfolioDayLookup {
  portfolioDays(): Promise<readonly PortfolioDay[]>;
}

/**
 * How long one reading serves. A scan's digests go out within minutes and the portfolios move
 * once a day, so a minute-old reading is as good as a fresh one, and a fan-out of 10,000 digests
 * reads the table a handful of times instead of 10,000.
 */
export const PORTFOLIO_DAYS_TTL_MS = 60_000;

export function createPortfolioDayLookup(
  db: Kysely<Database>,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): PortfolioDayLookup {
  const ttlMs = options.ttlMs ?? PORTFOLIO_DAYS_TTL_MS;
  const now = options.now ?? Date.now;
  let reading: { at: number; days: Promise<readonly PortfolioDay[]> } | null = null;
  return {
    portfolioDays() {
      if (reading === null || now() - reading.at >= ttlMs) {
        const days = listPortfolioDays(db, DIGEST_PORTFOLIO_LINES);
        const current = { at: now(), days };
        reading = current;
        // A failed reading is not kept: the next digest asks again.
        days.catch(() => {
          if (reading === current) reading = null;
        });
      }
      return reading.days;
    },
  };
}

const shared = new WeakMap<Kysely<Database>, PortfolioDayLookup>();

/** One lookup per database handle in this process. */
export function sharedPortfolioDayLookup(db: Kysely<Database>): PortfolioDayLookup {
  let lookup = shared.get(db);
  if (lookup === undefined) {
    lookup = createPortfolioDayLookup(db);
    shared.set(db, lookup);
  }
  return lookup;
}
