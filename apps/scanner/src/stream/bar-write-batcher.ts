import { barTimeToDate, type Database, type Timeframe, writeBarColumns } from "@vpa/db";
import type { Kysely } from "kysely";

/** A bar as the stream stores it (thousand VND, shares). */
export interface BatchedBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface BarWriteBatcher {
  /**
   * Stores `bars` of one stock, together with whatever other stocks' bars are waiting: resolves
   * with the number of bars given once their statement committed, rejects if it failed (every
   * caller of a failed batch retries on its own).
   */
  write(stockId: number, bars: readonly BatchedBar[]): Promise<number>;
}

interface Waiting {
  readonly stockId: number;
  readonly bars: readonly BatchedBar[];
  readonly resolve: (written: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces the live stream's bar writes into one upsert per batch (`writeBarColumns`: one
 * statement whatever the number of stocks). A whole market's minute closes at once: one chain per
 * symbol asks to store its bar within the same few milliseconds; one statement for all of them
 * costs about what one per symbol cost each. While a batch is being written the next one gathers;
 * it is written as soon as the first has committed (at most `maxBars` bars a statement).
 * Idempotent like `upsertBars`: a bar stored again with the same values writes nothing.
 */
export function createBarWriteBatcher(
  db: Kysely<Database>,
  timeframe: Timeframe,
  maxBars = 20_000,
): BarWriteBatcher {
  const waiting: Waiting[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (waiting.length > 0) {
        const batch: Waiting[] = [];
        let size = 0;
        while (waiting.length > 0 && (batch.length === 0 || size + waiting[0]!.bars.length <= maxBars)) {
          const next = waiting.shift()!;
          batch.push(next);
          size += next.bars.length;
        }
        // (stock, time) must be unique in one statement: the newest request's copy wins.
        const rows = new Map<string, { stockId: number; bar: BatchedBar }>();
        for (const request of batch)
          for (const bar of request.bars)
            rows.set(`${request.stockId}|${bar.time}`, { stockId: request.stockId, bar });
        const list = [...rows.values()];
        try {
          await writeBarColumns(
            db,
            timeframe,
            {
              stockIds: list.map((r) => r.stockId),
              times: list.map((r) => barTimeToDate(r.bar.time).getTime() / 1000),
              open: list.map((r) => r.bar.open),
              high: list.map((r) => r.bar.high),
              low: list.map((r) => r.bar.low),
              close: list.map((r) => r.bar.close),
              volume: list.map((r) => r.bar.volume),
            },
            "upsert",
          );
          for (const request of batch) request.resolve(request.bars.length);
        } catch (error) {
          for (const request of batch) request.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    write(stockId, bars) {
      if (bars.length === 0) return Promise.resolve(0);
      return new Promise<number>((resolve, reject) => {
        waiting.push({ stockId, bars, resolve, reject });
        // Let the rest of this burst queue up behind the first request before writing.
        if (!writing) setImmediate(() => void (writing ? undefined : drain()));
      });
    },
  };
}
