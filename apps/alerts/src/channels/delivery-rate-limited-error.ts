import type { Channel } from "./channel.ts";

/**
 * The provider asked us to slow down: Telegram's 429 flood control (`parameters.retry_after`) or an
 * SMTP server's throttling/deferral (421, 450, 451, 452). Nothing was delivered; the same message
 * can be sent again after `retryAfterMs`. The worker should pause the channel (not just this job),
 * e.g. `worker.rateLimit(retryAfterMs)`, because the limit is usually per bot or per sending host.
 */
export class DeliveryRateLimitedError extends Error {
  readonly code = "DELIVERY_RATE_LIMITED";
  readonly channel: Channel;
  /** How long to wait before the next attempt, in milliseconds. */
  readonly retryAfterMs: number;

  constructor(
    message: string,
    options: { readonly channel: Channel; readonly retryAfterMs: number; readonly cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeliveryRateLimitedError";
    this.channel = options.channel;
    this.retryAfterMs = options.retryAfterMs;
  }
}
