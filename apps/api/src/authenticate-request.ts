import { type ApiKeyRole, type Database, findApiKeyByHash, touchApiKey } from "@vpa/db";
import type { Kysely } from "kysely";
import { hashApiKeySecret, looksLikeApiKeySecret } from "./api-key-secret.ts";
import { ApiProblem } from "./api-problem.ts";

/** The key a request came with, once checked. */
export interface AuthenticatedKey {
  readonly id: number;
  readonly name: string;
  readonly role: ApiKeyRole;
}

export interface KeyAuthenticator {
  /** The key of an `Authorization` header, or a 401 problem. */
  authenticate(authorization: string | undefined): Promise<AuthenticatedKey>;
}

/**
 * Checks bearer keys against `api_keys`. A key's row is kept in memory for `cacheMs` (default
 * 5 s), so a busy client costs one indexed lookup per key per 5 s, not one per request; a revoked
 * key is therefore refused by every replica within that time. `last_used_at` is written at most
 * once a minute per key.
 */
export function createKeyAuthenticator(options: {
  readonly db: Kysely<Database>;
  readonly cacheMs?: number;
  readonly now?: () => number;
  readonly onTouchError?: (error: unknown) => void;
}): KeyAuthenticator {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { key: AuthenticatedKey | "revoked" | "unknown"; until: number }>();
  const touchedAt = new Map<number, number>();

  async function lookup(hash: string): Promise<AuthenticatedKey | "revoked" | "unknown"> {
    const at = now();
    const cached = cache.get(hash);
    if (cached !== undefined && cached.until > at) return cached.key;
    const row = await findApiKeyByHash(options.db, hash);
    const key =
      row === undefined
        ? ("unknown" as const)
        : row.revokedAt !== null
          ? ("revoked" as const)
          : { id: row.id, name: row.name, role: row.role };
    // Bounded: unknown hashes (a client guessing) must not grow the map without end.
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, { key, until: at + cacheMs });
    return key;
  }

  const secretOf = (authorization: string | undefined) =>
    /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === "") {
        throw new ApiProblem("UNAUTHENTICATED", "send Authorization: Bearer <key> (vpa apikey create)", {
          headers: { "www-authenticate": 'Bearer realm="vpa"' },
        });
      }
      const secret = secretOf(authorization);
      if (secret === undefined || !looksLikeApiKeySecret(secret)) {
        throw new ApiProblem("KEY_INVALID", "the Authorization header does not hold a key this API issued", {
          headers: { "www-authenticate": 'Bearer realm="vpa", error="invalid_token"' },
        });
      }
      const key = await lookup(hashApiKeySecret(secret));
      if (key === "unknown") {
        throw new ApiProblem("KEY_INVALID", "no such API key", {
          headers: { "www-authenticate": 'Bearer realm="vpa", error="invalid_token"' },
        });
      }
      if (key === "revoked") {
        throw new ApiProblem("KEY_REVOKED", "this API key was revoked (vpa apikey list)", {
          headers: { "www-authenticate": 'Bearer realm="vpa", error="invalid_token"' },
        });
      }
      const at = now();
      if ((touchedAt.get(key.id) ?? 0) + 60_000 <= at) {
        touchedAt.set(key.id, at);
        // Awaited (once a minute per key): nothing is left running when the server closes.
        await touchApiKey(options.db, key.id, new Date(at)).catch((error: unknown) =>
          options.onTouchError?.(error),
        );
      }
      return key;
    },
  };
}
