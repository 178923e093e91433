/**
 * Maps a failed Bot API call (node-telegram-bot-api 2.x errors) to the delivery errors the worker
 * acts on. Reference: https://core.telegram.org/bots/api#making-requests and the error texts
 * Telegram sends in practice.
 *
 * | Telegram answer                                            | error                                     |
 * |------------------------------------------------------------|-------------------------------------------|
 * | 429 Too Many Requests, `parameters.retry_after` = s        | DeliveryRateLimitedError(retryAfterMs = s·1000) |
 * | 403 Forbidden (blocked, kicked, user deactivated, …)       | RecipientUnreachableError                 |
 * | 400 chat not found / user not found / no rights to write / group upgraded | RecipientUnreachableError  |
 * | any other 400 (can't parse entities, message is too long)  | DeliveryFailedError, permanent            |
 * | 401 Unauthorized, 404 Not Found (bad token / API root)     | DeliveryFailedError, transient (config)   |
 * | 5xx, other codes, non-JSON answer                          | DeliveryFailedError, transient            |
 * | network error or time-out BEFORE the request was written   | DeliveryFailedError, transient            |
 * | network error or time-out AFTER the request was written    | DeliveryOutcomeUnknownError (uncertain)   |
 *
 * A 5xx or any other answer means Telegram answered and did not take the message. Only silence after
 * the whole request went out is ambiguous (write-tracking-fetch.ts tells which side of it we are).
 */
import { NetworkError, ParseError, TelegramApiError, TimeoutError } from "node-telegram-bot-api";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryOutcomeUnknownError } from "../delivery-outcome-unknown-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { redactError, redactText } from "../redact-secrets.ts";
import { failedAfterRequestWritten } from "../write-tracking-fetch.ts";

/** Used when a 429 carries no `retry_after` (Telegram always sends one; a proxy might not). */
export const TELEGRAM_DEFAULT_RETRY_AFTER_MS = 1000;

// 400 descriptions that mean "this chat cannot receive messages from this bot any more".
const UNREACHABLE_CHAT_DESCRIPTIONS =
  /chat not found|user not found|PEER_ID_INVALID|USER_DEACTIVATED|CHAT_WRITE_FORBIDDEN|have no rights to send|not enough rights to send|group chat was upgraded to a supergroup/i;

/**
 * @param error what `Api.sendMessage` threw
 * @param chatId the recipient address, for the message (chat ids are not secret)
 * @param secretVariants from `secretVariants([token])`: redacted from every text kept
 */
export function toTelegramDeliveryError(
  error: unknown,
  chatId: string,
  secretVariants: readonly string[],
): DeliveryRateLimitedError | RecipientUnreachableError | DeliveryFailedError | DeliveryOutcomeUnknownError {
  const cause = redactError(error, secretVariants);
  const channel = "telegram";
  if (!(error instanceof TelegramApiError) && failedAfterRequestWritten(error)) {
    return new DeliveryOutcomeUnknownError(
      `Telegram sendMessage to chat ${chatId}: no answer after the request was sent (${cause.message}); Telegram may have accepted it`,
      { channel, cause },
    );
  }
  if (error instanceof TelegramApiError) {
    const status = error.errorCode;
    const description = redactText(error.description, secretVariants);
    const what = `Telegram sendMessage to chat ${chatId} failed: ${status} ${description}`;
    if (status === 429) {
      const retryAfterSeconds = error.retryAfter;
      const retryAfterMs =
        typeof retryAfterSeconds === "number" && retryAfterSeconds >= 0
          ? retryAfterSeconds * 1000
          : TELEGRAM_DEFAULT_RETRY_AFTER_MS;
      return new DeliveryRateLimitedError(what, { channel, retryAfterMs, cause });
    }
    if (status === 403 || (status === 400 && UNREACHABLE_CHAT_DESCRIPTIONS.test(description))) {
      const migratedTo = error.migrateToChatId;
      const message = migratedTo === undefined ? what : `${what} (migrated to chat ${migratedTo})`;
      return new RecipientUnreachableError(message, { channel, providerStatus: status, cause });
    }
    if (status === 400) {
      return new DeliveryFailedError(what, { channel, permanent: true, providerStatus: status, cause });
    }
    return new DeliveryFailedError(what, { channel, permanent: false, providerStatus: status, cause });
  }
  if (error instanceof TimeoutError) {
    return new DeliveryFailedError(`Telegram sendMessage to chat ${chatId} timed out`, {
      channel,
      permanent: false,
      cause,
    });
  }
  if (error instanceof NetworkError || error instanceof ParseError) {
    const status = /Server error (\d{3})/.exec(error.message)?.[1];
    return new DeliveryFailedError(`Telegram sendMessage to chat ${chatId} failed: ${cause.message}`, {
      channel,
      permanent: false,
      providerStatus: status === undefined ? null : Number(status),
      cause,
    });
  }
  return new DeliveryFailedError(`Telegram sendMessage to chat ${chatId} failed: ${cause.message}`, {
    channel,
    permanent: false,
    cause,
  });
}
