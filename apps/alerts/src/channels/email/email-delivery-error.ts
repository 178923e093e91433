/**
 * Maps a failed nodemailer send (SMTP) to the delivery errors the worker acts on.
 *
 * SMTP replies (RFC 5321 §4.2, enhanced codes RFC 3463) and where they were received decide:
 *
 * | reply                                                  | error                                        |
 * |--------------------------------------------------------|----------------------------------------------|
 * | 421, 450, 451, 452 (throttling, greylisting, deferral) | DeliveryRateLimitedError, retry after 60 s   |
 * | other 4xx                                              | DeliveryFailedError, transient               |
 * | 550, 551, 553 to RCPT TO, enhanced code not 5.7.x      | RecipientUnreachableError                    |
 * | other 5xx (incl. 550 to MAIL FROM/DATA, 5.7.x policy)  | DeliveryFailedError, permanent (503: transient) |
 * | AUTH rejected, missing credentials                     | DeliveryFailedError, transient (config)      |
 * | connection, socket, DNS, TLS, timeout errors           | DeliveryFailedError, transient               |
 *
 * Why 550 only at RCPT TO: a 550 to MAIL FROM or after DATA is about our sender or our content
 * (e.g. "550 5.7.1 rejected as spam"), and deactivating the subscriber for it would be wrong.
 */
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { redactError, redactText } from "../redact-secrets.ts";

/**
 * Wait after an SMTP throttling reply. Servers rarely say how long; a minute is the usual
 * greylisting/throttling window and short enough not to delay alerts much.
 */
export const SMTP_THROTTLE_RETRY_AFTER_MS = 60_000;

const THROTTLING_CODES = new Set([421, 450, 451, 452]);
const BAD_MAILBOX_CODES = new Set([550, 551, 553]);
const CONNECTION_ERROR_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EPROTOCOL",
  "EPROXY",
]);

/** The fields nodemailer puts on its errors (`_formatError`). */
interface NodemailerErrorFields {
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly command?: unknown;
  readonly response?: unknown;
}

/**
 * @param error what `transporter.sendMail` rejected with
 * @param address the recipient's email address (for the message)
 * @param secretVariants from `secretVariants([password, smtpUrl])`
 */
export function toEmailDeliveryError(
  error: unknown,
  address: string,
  secretVariants: readonly string[],
): DeliveryRateLimitedError | RecipientUnreachableError | DeliveryFailedError {
  const cause = redactError(error, secretVariants);
  const channel = "email";
  const fields: NodemailerErrorFields = typeof error === "object" && error !== null ? error : {};
  const code = typeof fields.code === "string" ? fields.code : null;
  const responseCode = typeof fields.responseCode === "number" ? fields.responseCode : null;
  const command = typeof fields.command === "string" ? fields.command : null;
  const reply =
    typeof fields.response === "string"
      ? redactText(fields.response.split(/\r?\n/)[0] ?? "", secretVariants)
      : null;
  const what = `Email to ${address} failed${command === null ? "" : ` at ${command}`}: ${reply ?? cause.message}`;

  if (code === "EAUTH" || code === "ENOAUTH") {
    return new DeliveryFailedError(
      `Email to ${address} failed: SMTP authentication rejected${reply === null ? "" : ` (${reply})`}`,
      {
        channel,
        permanent: false,
        providerStatus: responseCode,
        cause,
      },
    );
  }
  if (responseCode !== null && responseCode >= 400 && responseCode < 500) {
    if (THROTTLING_CODES.has(responseCode)) {
      return new DeliveryRateLimitedError(what, {
        channel,
        retryAfterMs: SMTP_THROTTLE_RETRY_AFTER_MS,
        cause,
      });
    }
    return new DeliveryFailedError(what, { channel, permanent: false, providerStatus: responseCode, cause });
  }
  if (responseCode !== null && responseCode >= 500 && responseCode < 600) {
    const enhancedCode = reply === null ? undefined : /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
    const policyRejection = enhancedCode?.startsWith("5.7.") === true;
    if (command === "RCPT TO" && BAD_MAILBOX_CODES.has(responseCode) && !policyRejection) {
      return new RecipientUnreachableError(what, { channel, providerStatus: responseCode, cause });
    }
    // 503 "bad sequence of commands" is a session state problem, fine on a new connection.
    return new DeliveryFailedError(what, {
      channel,
      permanent: responseCode !== 503,
      providerStatus: responseCode,
      cause,
    });
  }
  if (code === "EENVELOPE") {
    // Refused by nodemailer before any SMTP exchange (no reply code): a malformed address.
    return new RecipientUnreachableError(what, { channel, cause });
  }
  if (code === "EMESSAGE") {
    return new DeliveryFailedError(what, { channel, permanent: true, cause });
  }
  if (code !== null && CONNECTION_ERROR_CODES.has(code)) {
    return new DeliveryFailedError(what, { channel, permanent: false, cause });
  }
  return new DeliveryFailedError(what, { channel, permanent: false, providerStatus: responseCode, cause });
}
