/**
 * When the bot may send its next reply, within Telegram's limits for bots
 * (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): about one
 * message a second to a chat, 20 a minute to a group (negative chat id), 30 a second overall.
 *
 * Pure bookkeeping with an injected clock: {@link ReplyPacer.book} reserves the earliest slot
 * and returns how long to wait for it; the caller waits (interruptibly). Booking is synchronous,
 * so replies to many chats sent at once queue behind each other instead of racing.
 *
 * The margins (1.1 s instead of 1 s, 61 s instead of 60) absorb the difference in request latency
 * between two messages: Telegram counts arrivals, we can only schedule departures.
 */
export interface ReplyPaceLimits {
  /** Minimum time between two messages to one chat. */
  readonly perChatIntervalMs: number;
  /** Messages per window to one group or channel (negative chat id). */
  readonly groupMessagesPerWindow: number;
  readonly groupWindowMs: number;
  /** Minimum time between two messages across all chats. */
  readonly overallIntervalMs: number;
}

export const TELEGRAM_REPLY_LIMITS: ReplyPaceLimits = {
  perChatIntervalMs: 1_100,
  groupMessagesPerWindow: 20,
  groupWindowMs: 61_000,
  overallIntervalMs: 35,
};

interface ChatSlots {
  /** Earliest time the next message to this chat may leave. */
  nextFree: number;
  /** Start times of the messages booked within the group window (groups only). */
  recent: number[];
  /** After this, the chat's bookkeeping constrains nothing and it is forgotten. */
  relevantUntil: number;
}

export class ReplyPacer {
  readonly #limits: ReplyPaceLimits;
  readonly #now: () => number;
  /** In order of last activity (re-inserted on each booking), so the stale ones are at the front. */
  readonly #chats = new Map<string, ChatSlots>();
  /** Start times booked across all chats, ascending, from `now - overallIntervalMs` on. */
  #overallSlots: number[] = [];

  constructor(limits: ReplyPaceLimits = TELEGRAM_REPLY_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Reserves the earliest slot for one message to `chatId`; returns the wait in ms (0: now). */
  book(chatId: string): number {
    const now = this.#now();
    this.#forgetStale(now);
    const limits = this.#limits;
    const slots = this.#chats.get(chatId) ?? { nextFree: 0, recent: [], relevantUntil: 0 };
    const isGroup = chatId.startsWith("-");
    let start = Math.max(now, slots.nextFree);
    if (isGroup) {
      slots.recent = slots.recent.filter((at) => at > start - limits.groupWindowMs);
      if (slots.recent.length >= limits.groupMessagesPerWindow) {
        const oldestCounted = slots.recent[slots.recent.length - limits.groupMessagesPerWindow]!;
        start = Math.max(start, oldestCounted + limits.groupWindowMs);
      }
    }
    start = this.#bookOverall(now, start);
    if (isGroup) slots.recent.push(start);
    slots.nextFree = start + limits.perChatIntervalMs;
    slots.relevantUntil = Math.max(slots.nextFree, isGroup ? start + limits.groupWindowMs : 0);
    this.#touch(chatId, slots);
    return start - now;
  }

  /** Telegram answered 429 for this chat: nothing more to it for `ms` (its `retry_after`). */
  holdOff(chatId: string, ms: number): void {
    const now = this.#now();
    const slots = this.#chats.get(chatId) ?? { nextFree: 0, recent: [], relevantUntil: 0 };
    slots.nextFree = Math.max(slots.nextFree, now + ms);
    slots.relevantUntil = Math.max(slots.relevantUntil, slots.nextFree);
    this.#touch(chatId, slots);
  }

  /** Chats with bookkeeping kept (for tests and metrics). */
  get trackedChats(): number {
    return this.#chats.size;
  }

  /**
   * The earliest time from `earliest` on that is at least `overallIntervalMs` away from every
   * other booked start, booked. A slot far in the future for one held-off chat does not delay the
   * others: they take the gaps before it. O(booked slots), which the bot's bounded reply queue
   * keeps small.
   */
  #bookOverall(now: number, earliest: number): number {
    const gap = this.#limits.overallIntervalMs;
    this.#overallSlots = this.#overallSlots.filter((at) => at > now - gap);
    let start = earliest;
    let index = 0;
    for (; index < this.#overallSlots.length; index++) {
      const slot = this.#overallSlots[index]!;
      if (slot <= start - gap) continue;
      if (slot >= start + gap) break;
      start = slot + gap;
    }
    this.#overallSlots.splice(index, 0, start);
    return start;
  }

  #touch(chatId: string, slots: ChatSlots): void {
    this.#chats.delete(chatId);
    this.#chats.set(chatId, slots);
  }

  /**
   * Drops stale chats from the front. Amortised O(1) per booking; a chat held off far into the
   * future can shield the ones behind it until its hold-off ends, which is bounded by retry_after.
   */
  #forgetStale(now: number): void {
    for (const [chatId, slots] of this.#chats) {
      if (slots.relevantUntil > now) break;
      this.#chats.delete(chatId);
    }
  }
}
