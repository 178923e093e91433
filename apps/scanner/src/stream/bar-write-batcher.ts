import { barTimeToDate, type Database, type Timeframe, writeBarColumns } from "@vpa/db";
import { createCoalescingBatcher } from "@vpa/runtime";
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

interface BarsOfStock {
  readonly stockId: number;
  readonly bars: readonly BatchedBar[];
}

/**
 * The live stream's bar writes, coalesced (@vpa/runtime coalescing-batcher.ts) into one upsert per burst
 * (`writeBarColumns`: one statement whatever the number of stocks, at most `maxBars` bars).
 * Idempotent like `upsertBars`: a bar stored again with the same values writes nothing.
 */
export function createBarWriteBatcher(
  db: Kysely<Database>,
  timeframe: Timeframe,
  maxBars = 20_000,
): BarWriteBatcher {
  const batcher = createCoalescingBatcher<BarsOfStock>(
    async (requests) => {
      // (stock, time) must be unique in one statement: the newest request's copy wins.
      const rows = new Map<string, { stockId: number; bar: BatchedBar }>();
      for (const request of requests)
        for (const bar of request.bars)
          rows.set(`${request.stockId}|${bar.time}`, { stockId: request.stockId, bar });
      const list = [...rows.values()];
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
    },
    { weight: (request) => request.bars.length, maxWeight: maxBars },
  );
  return {
    async write(stockId, bars) {
      if (bars.length === 0) return 0;
      await batcher.add({ stockId, bars });
      return bars.length;
    },
  };
}
