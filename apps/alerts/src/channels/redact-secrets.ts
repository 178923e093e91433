/**
 * Keeps secrets (the Telegram bot token, the SMTP password) out of errors.
 *
 * Library errors may carry a secret in places nobody reads until a log is leaked: the Bot API
 * URL is `https://api.telegram.org/bot<token>/sendMessage`, so a fetch failure's message or
 * stack can contain the token; an SMTP URL carries `user:password@`. Senders therefore never
 * attach a library error as `cause` directly, but a redacted copy made here.
 */

const REDACTED = "[REDACTED]";
const MAX_CAUSE_DEPTH = 5;

/**
 * The forms a secret can take in text: as is, percent-encoded (inside a URL) and base64 (SMTP
 * AUTH LOGIN sends the password base64-encoded). Secrets shorter than 4 characters are ignored:
 * replacing them would redact unrelated text without protecting anything.
 */
export function secretVariants(secrets: readonly string[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(Buffer.from(secret, "utf8").toString("base64"));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...variants].sort((left, right) => right.length - left.length);
}

/**
 * Replaces every variant of every secret in `text` with `[REDACTED]`.
 *
 * @example
 * redactText("POST /bot123:ABCDEF/sendMessage failed", secretVariants(["123:ABCDEF"]));
 * // "POST /bot[REDACTED]/sendMessage failed"
 */
export function redactText(text: string, variants: readonly string[]): string {
  let redacted = text;
  for (const variant of variants) redacted = redacted.split(variant).join(REDACTED);
  return redacted;
}

/**
 * A copy of `error` safe to attach as `cause` and to log: same `name`, redacted `message` and
 * `stack`, the primitive own properties (`code`, `errorCode`, `responseCode`, `command`,
 * `response`, …) with strings redacted, and the `cause` chain copied the same way (to a depth of
 * 5). Object-valued properties other than `cause` are dropped, since they may hold options with
 * credentials. Never throws.
 */
export function redactError(error: unknown, variants: readonly string[], depth = 0): Error {
  if (!(error instanceof Error)) {
    return new Error(redactText(safeString(error), variants));
  }
  const causeOption =
    error.cause !== undefined && depth < MAX_CAUSE_DEPTH
      ? { cause: redactError(error.cause, variants, depth + 1) }
      : undefined;
  const copy = new Error(redactText(error.message, variants), causeOption);
  copy.name = error.name;
  copy.stack = redactText(error.stack ?? `${error.name}: ${error.message}`, variants);
  const target = copy as unknown as Record<string, unknown>;
  for (const key of Object.keys(error)) {
    if (key === "cause" || key === "message" || key === "stack" || key === "name") continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === "string") target[key] = redactText(value, variants);
    else if (typeof value === "number" || typeof value === "boolean" || value === null) target[key] = value;
  }
  return copy;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "[unprintable value]";
  }
}
