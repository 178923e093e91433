/**
 * The delivery contract between the alert worker and each way of reaching a subscriber.
 *
 * Glossary:
 * - channel: a way of delivering an alert (`telegram`, `email`, `webhook`, `console` for local
 *   runs); each is a folder under `channels/` listed in `CHANNEL_REGISTRY` (channel-registry.ts).
 * - recipient: one subscriber on one channel; `address` is what that channel needs to reach them.
 * - sender: the object that delivers a rendered alert on one channel; one per channel per process,
 *   shared by every job (it holds connection pools), closed once on shutdown.
 *
 * Invariants every sender keeps:
 * - `send` resolves only when the provider accepted the message, and rejects only with one of the
 *   four delivery errors (`DeliveryRateLimitedError`, `RecipientUnreachableError`,
 *   `DeliveryFailedError`, `DeliveryOutcomeUnknownError`), so the worker decides retry, pacing,
 *   deactivation and `uncertain` from the type alone (docs/delivery.md).
 * - `DeliveryOutcomeUnknownError` only when the provider may have accepted the message (the request
 *   was written and no answer came); a channel whose receiver dedupes (webhooks, by
 *   Idempotency-Key) may report such a failure as transient instead.
 * - An aborted `delivery.signal` ends the send promptly with one of the errors above.
 * - A sender never retries on its own: the worker owns retries and pacing (BullMQ backoff and rate
 *   limiting), so one failed attempt = one thrown error.
 * - No secret (bot token, SMTP password) appears in a thrown error's message, stack, properties or
 *   cause chain.
 */
import type { RenderedMessage } from "../render/rendered-message.ts";

export { CHANNELS, type Channel } from "./channel-registry.ts";

/** One subscriber on one channel. */
export interface Recipient {
  readonly subscriberId: number;
  /** Telegram chat id (as a string, e.g. `"123456789"` or `"-1001234567890"`), an email address, or any label for `console`. */
  readonly address: string;
}

/** What the provider said about an accepted message. */
export interface SentReceipt {
  /** Telegram `message_id` (unique within the chat), the email `Message-ID`, or null when the channel has none. */
  readonly providerMessageId: string | null;
}

export interface ChannelSender {
  /** The name of the channel it delivers on (its registry entry's `name`). */
  readonly channel: string;
  /**
   * Delivers one alert to one recipient; see the invariants above for what it may throw.
   * `delivery.key` is stable across retries of this (alert, subscriber, channel): channels that can
   * pass it on (a webhook's Idempotency-Key) let the receiver drop a repeat.
   */
  send(
    recipient: Recipient,
    message: RenderedMessage,
    delivery?: { readonly key: string; readonly signal?: AbortSignal },
  ): Promise<SentReceipt>;
  /** Releases connections. In-flight sends finish first; later sends fail with a transient `DeliveryFailedError`. */
  close(): Promise<void>;
}
