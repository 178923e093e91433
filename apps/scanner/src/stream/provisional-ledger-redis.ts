import type { QueueConnection } from "@vpa/runtime";
import { Redis } from "ioredis";
import type { ProvisionalLedgerRedis } from "./provisional-alerts.ts";

export interface ProvisionalLedgerClient extends ProvisionalLedgerRedis {
  disconnect(): void;
}

/**
 * The Redis client of the provisional alerts' once-only ledger (provisional-alerts.ts), on the
 * queues' Redis. Commands fail fast (one retry) rather than queue while Redis is away: a claim
 * that cannot be made is a provisional alert not sent, never one sent twice.
 */
export function createProvisionalLedgerRedis(connection: QueueConnection): ProvisionalLedgerClient {
  const client = new Redis(connection.redisUrl, { maxRetriesPerRequest: 1 });
  client.on("error", () => {
    // Reported by the failing commands (logged per symbol by the tracker's onError).
  });
  return client;
}
