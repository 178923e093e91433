/**
 * Coalesces the requests that arrive in one burst into one write. A whole market's minute closes
 * at once: one chain per symbol asks to write within the same few milliseconds (the live stream's
 * bars and signals), then dozens of alert jobs start together (the alerts worker's fan-outs), and
 * one statement for all of them costs about what one per request cost each. The first request of a burst waits
 * one `setImmediate` for the rest to queue behind it; while a batch is being written the next one
 * gathers, and is written as soon as the first has finished (at most `maxWeight` a batch, but never
 * fewer than one request). One batch at a time: a burst holds one database connection, not many.
 */
export interface CoalescingBatcher<T, R> {
  /**
   * Resolves once the batch holding `item` was written, with the write's result for it (the
   * result at its index); rejects if the batch failed (each caller retries on its own).
   */
  add(item: T): Promise<R>;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** `write` answers one result per item, in order, or nothing (every caller then gets `undefined`). */
export function createCoalescingBatcher<T, R = undefined>(
  write: (items: readonly T[]) => Promise<readonly R[] | undefined>,
  options: { readonly weight: (item: T) => number; readonly maxWeight: number },
): CoalescingBatcher<T, R> {
  const waiting: Waiting<T, R>[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (waiting.length > 0) {
        const batch: Waiting<T, R>[] = [];
        let weight = 0;
        while (
          waiting.length > 0 &&
          (batch.length === 0 || weight + options.weight(waiting[0]!.item) <= options.maxWeight)
        ) {
          const next = waiting.shift()!;
          batch.push(next);
          weight += options.weight(next.item);
        }
        try {
          const results = await write(batch.map((w) => w.item));
          for (const [i, request] of batch.entries()) request.resolve(results?.[i] as R);
        } catch (error) {
          for (const request of batch) request.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (!writing) setImmediate(() => void (writing ? undefined : drain()));
      });
    },
  };
}
