import { createRedisClient, type RedisTarget } from "@vpa/runtime";
import type { ProvisionalLedgerRedis } from "./provisional-alerts.ts";

export interface ProvisionalLedgerClient extends ProvisionalLedgerRedis {
  disconnect(): void;
}

/**
 * Reads and deletes each bar's claims hash in one step: the close of a whole market's minute
 * settles every symbol's bar in one round trip (one command), and atomically, so of two processes
 * closing the same bar one follows up. KEYS share one slot on a cluster (the hash-tagged prefix).
 */
const TAKE_CLAIMS_SCRIPT = `
local taken = {}
for i, key in ipairs(KEYS) do
  taken[i] = redis.call('HGETALL', key)
  if #taken[i] > 0 then redis.call('DEL', key) end
end
return taken`;

/** Keys per script call: a burst larger than this is settled in several calls. */
const KEYS_PER_CALL = 1_000;

/**
 * The Redis client of the provisional alerts' once-only ledger (provisional-alerts.ts), on the
 * queues' Redis (a server or a cluster, from the one client factory). Commands fail fast (one
 * retry) rather than queue while Redis is away: a claim that cannot be made is a provisional alert
 * not sent, never one sent twice.
 */
export function createProvisionalLedgerRedis(target: RedisTarget): ProvisionalLedgerClient {
  const client = createRedisClient(target, { maxRetriesPerRequest: 1 });
  client.on("error", () => {
    // Reported by the failing commands (logged per symbol by the tracker's onError).
  });
  client.defineCommand("vpaTakeProvisionalClaims", { lua: TAKE_CLAIMS_SCRIPT });
  const take = (keys: readonly string[]) =>
    (
      client as unknown as {
        vpaTakeProvisionalClaims(count: number, ...keys: string[]): Promise<string[][]>;
      }
    ).vpaTakeProvisionalClaims(keys.length, ...keys);
  return {
    hsetnx: (key, field, value) => client.hsetnx(key, field, value),
    expire: (key, seconds) => client.expire(key, seconds),
    async takeClaims(keys) {
      const taken: Record<string, string>[] = [];
      for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
        for (const flat of await take(keys.slice(i, i + KEYS_PER_CALL))) {
          const claims: Record<string, string> = {};
          for (let j = 0; j + 1 < flat.length; j += 2) claims[flat[j]!] = flat[j + 1]!;
          taken.push(claims);
        }
      }
      return taken;
    },
    disconnect: () => client.disconnect(),
  };
}
