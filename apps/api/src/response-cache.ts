/**
 * A short-lived cache of whole answers for the read endpoints whose data moves only when a scan
 * or an import stores something (signals, symbols, bars, charts): a busy dashboard asking the same
 * page many times a second costs one query a second, and concurrent misses of one URL share one
 * query. Keys are the full URL (path and query string); answers are the same for every key, whose
 * authentication and rate limit still run on every request. Bounded: at most `maxEntries` URLs.
 */
export interface CachedAnswer {
  readonly body: string;
  readonly contentType: string;
}

export class ResponseCache {
  readonly #entries = new Map<string, { answer: CachedAnswer; until: number }>();
  readonly #loading = new Map<string, Promise<CachedAnswer>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries?: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 2_000;
    this.#now = options.now ?? Date.now;
  }

  /** The cached answer of `key`, or the one `load` gives (shared by concurrent callers). */
  async get(key: string, load: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const cached = this.#entries.get(key);
    if (cached !== undefined && cached.until > this.#now()) return cached.answer;
    let pending = this.#loading.get(key);
    if (pending === undefined) {
      pending = load().finally(() => this.#loading.delete(key));
      this.#loading.set(key, pending);
      const answer = await pending;
      if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
      this.#entries.set(key, { answer, until: this.#now() + this.#ttlMs });
      return answer;
    }
    return pending;
  }
}
