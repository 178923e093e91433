import type { Channel } from "./channel.ts";

/**
 * This recipient can no longer be reached on this channel, and retrying will not change that:
 * Telegram 403 (bot blocked by the user, kicked from the group, user deactivated), Telegram 400
 * "chat not found"; SMTP 550/551/553 answered to RCPT TO (mailbox unknown or unavailable), or an
 * address that is not a single valid email address. The worker deactivates the subscriber's
 * channel and does not retry.
 *
 * Not used for failures that are about us rather than the recipient (an SMTP 550 to MAIL FROM,
 * a 5.7.x policy rejection such as a spam block): those are `DeliveryFailedError`s, so one bad
 * day on our mail server does not unsubscribe everyone.
 */
export class RecipientUnreachableError extends Error {
  readonly code = "RECIPIENT_UNREACHABLE";
  readonly channel: Channel;
  /** Telegram `error_code` or SMTP reply code when the provider gave one, else null. */
  readonly providerStatus: number | null;

  constructor(
    message: string,
    options: { readonly channel: Channel; readonly providerStatus?: number | null; readonly cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RecipientUnreachableError";
    this.channel = options.channel;
    this.providerStatus = options.providerStatus ?? null;
  }
}
