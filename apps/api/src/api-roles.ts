import type { ApiKeyRole } from "@vpa/db";

/**
 * Roles, each allowed what the one before it is, and more:
 * - `reader`: every read endpoint (signals, symbols, bars, backtests, portfolios);
 * - `trader`: also its own subscriptions and submitting backtests;
 * - `admin`: everything, including every subscription, /status, /scan and /deliveries.
 */
const ROLE_RANK: Record<ApiKeyRole, number> = { reader: 0, trader: 1, admin: 2 };

export function roleAllows(held: ApiKeyRole, needed: ApiKeyRole): boolean {
  return ROLE_RANK[held] >= ROLE_RANK[needed];
}
