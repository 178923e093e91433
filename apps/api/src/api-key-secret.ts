import { createHash, randomBytes } from "node:crypto";

/**
 * API key secrets: `vpa_` and 32 random bytes in base64url (43 characters). Stored as SHA-256 only.
 * A fast hash is right here and a password hash (bcrypt, argon2) is not: those slow down guessing
 * a low-entropy secret a person chose, and 256 random bits cannot be guessed at any speed; a slow
 * hash would only add its cost to every request.
 */
const KEY_PREFIX = "vpa_";
const KEY_PATTERN = /^vpa_[A-Za-z0-9_-]{43}$/;

export function generateApiKeySecret(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Hex SHA-256 of a secret, as stored in `api_keys.secret_hash`. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether a string has the shape of a key this API issues (checked before any lookup). */
export function looksLikeApiKeySecret(value: string): boolean {
  return KEY_PATTERN.test(value);
}
