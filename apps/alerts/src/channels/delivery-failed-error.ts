import type { Channel } from "./channel.ts";

/**
 * The message was not delivered, for a reason that is not rate limiting and not the recipient.
 *
 * - `permanent: true`: sending the same message again will fail the same way (Telegram 400
 *   "can't parse entities" or "message is too long", SMTP 5xx other than a bad mailbox): the
 *   worker should fail the job without retrying (BullMQ `UnrecoverableError`) and alert a human,
 *   since it is a bug in what we send.
 * - `permanent: false`: worth retrying with backoff (network errors, timeouts, Telegram 5xx,
 *   SMTP 4xx). Also used for a rejected bot token or SMTP login: a configuration problem of the
 *   whole channel that an operator can fix while the jobs wait, not a property of this message.
 */
export class DeliveryFailedError extends Error {
  readonly code = "DELIVERY_FAILED";
  readonly channel: Channel;
  readonly permanent: boolean;
  /** Telegram `error_code`, HTTP status or SMTP reply code when there was one, else null. */
  readonly providerStatus: number | null;

  constructor(
    message: string,
    options: {
      readonly channel: Channel;
      readonly permanent: boolean;
      readonly providerStatus?: number | null;
      readonly cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeliveryFailedError";
    this.channel = options.channel;
    this.permanent = options.permanent;
    this.providerStatus = options.providerStatus ?? null;
  }
}
