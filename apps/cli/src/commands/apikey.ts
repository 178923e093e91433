import { API_KEY_ROLES, type ApiKeyRole, insertApiKey, listApiKeys, revokeApiKey } from "@vpa/db";
// Relative: the API's index loads its server; a key needs only the secret helpers.
import { generateApiKeySecret, hashApiKeySecret } from "../../../api/src/api-key-secret.ts";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";

const formatTime = (date: Date | null) =>
  date === null ? "—" : date.toISOString().slice(0, 16).replace("T", " ");

/**
 * `vpa apikey create --name N --role R | list | revoke ID`: the HTTP API's keys. A new key's secret
 * is printed once and never stored (only its SHA-256 is): lose it and create another.
 */
export async function runApiKey(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("apikey", args);
  const [action, ...rest] = positionals;
  const db = app.database.db;
  if (action === "create") {
    if (rest.length > 0) throw new UsageError(`apikey create: unexpected ${rest.join(" ")}`);
    const name = values.name?.trim();
    if (name === undefined || name === "" || name.length > 100) {
      throw new UsageError("apikey create: --name N is required (1-100 characters), e.g. --name dashboard");
    }
    const role = values.role ?? "reader";
    if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(
        `apikey create: --role must be ${API_KEY_ROLES.join(", ")} (got ${JSON.stringify(role)})`,
      );
    }
    const secret = generateApiKeySecret();
    const key = await insertApiKey(db, {
      name,
      role: role as ApiKeyRole,
      secretHash: hashApiKeySecret(secret),
    });
    if (values.json) {
      console.log(JSON.stringify({ id: key.id, name: key.name, role: key.role, key: secret }));
    } else {
      console.log(`API key ${key.id} "${key.name}" (${key.role}):\n\n  ${secret}\n`);
      console.log("Shown once: it is stored only as a hash. Send it as `Authorization: Bearer <key>`.");
    }
    return 0;
  }
  if (action === "list") {
    if (rest.length > 0) throw new UsageError(`apikey list: unexpected ${rest.join(" ")}`);
    const keys = await listApiKeys(db);
    if (values.json) {
      console.log(JSON.stringify(keys));
      return 0;
    }
    if (keys.length === 0) {
      console.log("no API keys (vpa apikey create --name N --role reader|trader|admin)");
      return 0;
    }
    console.log(
      formatTable(
        ["id", "name", "role", "created", "last used", "revoked"],
        keys.map((key) => [
          String(key.id),
          key.name,
          key.role,
          formatTime(key.createdAt),
          formatTime(key.lastUsedAt),
          formatTime(key.revokedAt),
        ]),
      ),
    );
    return 0;
  }
  if (action === "revoke") {
    const id = Number(rest[0]);
    if (rest.length !== 1 || !Number.isSafeInteger(id) || id < 1) {
      throw new UsageError("apikey revoke: give the key's id (vpa apikey list), e.g. vpa apikey revoke 3");
    }
    if (!(await revokeApiKey(db, id))) {
      console.error(`apikey revoke: no active key ${id}`);
      return 1;
    }
    console.log(`revoked API key ${id}: refused within 5 s by every API replica`);
    return 0;
  }
  throw new UsageError(
    `apikey: expected create, list or revoke${action === undefined ? "" : ` (got ${JSON.stringify(action)})`}`,
  );
}
