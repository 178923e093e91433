export type ThrottleVerdict = "ok" | "warn" | "drop";

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` commands per chat in any minute, so that no single chat can load the
 * database: the next one is answered with a warning, the rest are ignored until the minute has
 * passed. Memory stays bounded: at most `perMinute + 1` times per chat, and a chat with no command
 * in the last minute is forgotten (the map is kept in order of last command, so the stale chats
 * are at its front and each check drops them in amortised O(1)).
 */
export class CommandThrottle {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #recent = new Map<string, number[]>();

  constructor(perMinute: number, now: () => number = Date.now) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  check(chatId: string): ThrottleVerdict {
    const now = this.#now();
    for (const [staleId, times] of this.#recent) {
      if (now - (times.at(-1) ?? 0) < WINDOW_MS) break;
      this.#recent.delete(staleId);
    }
    const times = (this.#recent.get(chatId) ?? []).filter((at) => now - at < WINDOW_MS);
    const verdict: ThrottleVerdict =
      times.length < this.#perMinute ? "ok" : times.length === this.#perMinute ? "warn" : "drop";
    // Drops are not recorded: the chat is let in again once its counted commands are a minute old.
    if (verdict !== "drop") times.push(now);
    this.#recent.delete(chatId);
    this.#recent.set(chatId, times);
    return verdict;
  }

  /** Chats currently remembered. */
  get trackedChats(): number {
    return this.#recent.size;
  }

  /** Command times remembered for one chat (for tests). */
  timesKeptFor(chatId: string): number {
    return this.#recent.get(chatId)?.length ?? 0;
  }
}
