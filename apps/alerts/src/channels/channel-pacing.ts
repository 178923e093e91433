import type { RateLimit } from "@vpa/runtime";

/**
 * How one channel's sends are paced: the shared Redis rate limiter (runtime's
 * redis-rate-limiter.ts) books every send against these limits, for all alert workers at once.
 * Each channel declares its own rule in its folder (`telegram/telegram-pacing.ts`); the worker
 * reads them through the registry (`channelPacing`).
 */
export interface ChannelPacing {
  /**
   * The limits one send to this address is subject to. `urgent` (a HIGH alert, a live provisional
   * alert): it may spend the burst a limit allows after a quiet spell, where bulk sends (digests,
   * MEDIUM and LOW alerts) keep to the even spacing.
   */
  limits(address: string, urgent?: boolean): RateLimit[];
  /** The pause a provider's 429 sets for every send on this channel, or null. */
  readonly pause: string | null;
}

/** The settings a pacing rule may read. */
export interface PacingOptions {
  /** Emails a second to the SMTP server (EMAIL_MAX_PER_SECOND); 0: no limit. */
  readonly emailPerSecond: number;
}

/** No limits and no pause: channels whose receiver takes what comes (console, webhooks). */
export const UNPACED: ChannelPacing = { limits: () => [], pause: null };
