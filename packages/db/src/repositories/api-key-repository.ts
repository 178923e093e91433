import type { Kysely } from "kysely";
import type { ApiKeyRole, Database } from "../schema.ts";

/** An API key as listed: never its secret, which is not stored. */
export interface ApiKeyView {
  readonly id: number;
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

const KEY_COLUMNS = ["id", "name", "role", "created_at", "revoked_at", "last_used_at"] as const;

function viewOf(row: {
  id: number;
  name: string;
  role: ApiKeyRole;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Stores a key by the SHA-256 (hex) of its secret; the caller shows the secret once. */
export async function insertApiKey(
  db: Kysely<Database>,
  input: { readonly name: string; readonly role: ApiKeyRole; readonly secretHash: string },
): Promise<ApiKeyView> {
  const row = await db
    .insertInto("api_keys")
    .values({ name: input.name, role: input.role, secret_hash: input.secretHash })
    .returning(KEY_COLUMNS)
    .executeTakeFirstOrThrow();
  return viewOf(row);
}

/** Every key, oldest first, revoked ones included (they say when). */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyView[]> {
  const rows = await db.selectFrom("api_keys").select(KEY_COLUMNS).orderBy("id").execute();
  return rows.map(viewOf);
}

/** The key whose secret hashes to `secretHash`, revoked or not; undefined when none. */
export async function findApiKeyByHash(
  db: Kysely<Database>,
  secretHash: string,
): Promise<ApiKeyView | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .select(KEY_COLUMNS)
    .where("secret_hash", "=", secretHash)
    .executeTakeFirst();
  return row === undefined ? undefined : viewOf(row);
}

/** Revokes a key (kept, for the record). False when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records that a key was used (the API calls it at most once a minute per key). */
export async function touchApiKey(db: Kysely<Database>, id: number, at: Date): Promise<void> {
  await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
}
