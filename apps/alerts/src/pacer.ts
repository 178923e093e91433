/**
 * Paces sends so the providers' limits are never hit in the first place: a minimum interval per
 * recipient (Telegram: ~1 message/s per chat) and a global minimum interval per channel (Telegram:
 * ~30 messages/s across chats). In-process: with several alert worker processes, divide the global
 * rate among them (ALERT_CONCURRENCY and the replica count); a 429 still comes back as a delayed
 * retry, so the limits hold either way.
 */
export interface PaceRule {
  /** Minimum time between two sends to the same recipient. */
  readonly perRecipientMs: number;
  /** Minimum time between two sends on the channel. */
  readonly globalMs: number;
}

export const DEFAULT_PACE_RULES: Readonly<Record<string, PaceRule>> = {
  telegram: { perRecipientMs: 1_050, globalMs: 34 },
  email: { perRecipientMs: 0, globalMs: 0 },
  console: { perRecipientMs: 0, globalMs: 0 },
};

export class Pacer {
  readonly #rules: Readonly<Record<string, PaceRule>>;
  readonly #nextFree = new Map<string, number>();
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    rules: Readonly<Record<string, PaceRule>> = DEFAULT_PACE_RULES,
    clock: { now: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> } = {
      now: Date.now,
      sleep: (ms, signal) => sleepUnlessAborted(ms, signal),
    },
  ) {
    this.#rules = rules;
    this.#now = clock.now;
    this.#sleep = clock.sleep;
  }

  /**
   * Waits until a send to this recipient on this channel is within the limits, and books it.
   * Rejects (with the signal's reason) when `signal` aborts during the wait: nothing was claimed yet.
   */
  async acquire(channel: string, address: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const rule = this.#rules[channel];
    if (rule === undefined || (rule.globalMs === 0 && rule.perRecipientMs === 0)) return;
    const recipientKey = `${channel}\u0000${address}`;
    // Book the slot synchronously (before awaiting) so concurrent jobs queue up behind each other.
    const now = this.#now();
    const start = Math.max(now, this.#nextFree.get(channel) ?? 0, this.#nextFree.get(recipientKey) ?? 0);
    this.#nextFree.set(channel, start + rule.globalMs);
    this.#nextFree.set(recipientKey, start + rule.perRecipientMs);
    if (this.#nextFree.size > 50_000) this.#forgetPast(now);
    if (start > now) await this.#sleep(start - now, signal);
  }

  /** Pushes a recipient's next slot back, after the provider asked us to wait (429 retry_after). */
  holdOff(channel: string, address: string, ms: number): void {
    const key = `${channel}\u0000${address}`;
    this.#nextFree.set(key, Math.max(this.#nextFree.get(key) ?? 0, this.#now() + ms));
  }

  #forgetPast(now: number): void {
    for (const [key, at] of this.#nextFree) if (at < now) this.#nextFree.delete(key);
  }
}

function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
