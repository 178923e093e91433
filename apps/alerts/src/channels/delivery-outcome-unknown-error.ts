import type { Channel } from "./channel.ts";

/**
 * The request reached the provider and no answer came back: a time-out, a reset or a dropped
 * connection AFTER the whole request was written. The provider may have accepted the message.
 * Telegram has no idempotency key, so sending again could deliver it twice: the worker records the
 * delivery `uncertain` and never resends it on its own (docs/delivery.md). A failure BEFORE the
 * request was fully written is a transient `DeliveryFailedError` instead: nothing can have arrived.
 */
export class DeliveryOutcomeUnknownError extends Error {
  readonly code = "DELIVERY_OUTCOME_UNKNOWN";
  readonly channel: Channel;

  constructor(message: string, options: { readonly channel: Channel; readonly cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeliveryOutcomeUnknownError";
    this.channel = options.channel;
  }
}
