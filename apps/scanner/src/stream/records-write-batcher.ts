import type { ConfirmationRecord, SignalRecord } from "@vpa/core";
import type { Timeframe } from "@vpa/db";
import { createCoalescingBatcher } from "@vpa/runtime";
import { type StoreRecordsDependencies, storeAnalysisRecordsOfStocks } from "../store-analysis-records.ts";

/** One closed bar's analysis records. */
export interface RecordsOfStock {
  readonly stockId: number;
  readonly signals: readonly SignalRecord[];
  readonly confirmations: readonly ConfirmationRecord[];
}

export interface RecordsWriteBatcher {
  /** Resolves once the records are stored and their alerts owed and enqueued; rejects if that failed. */
  write(records: RecordsOfStock): Promise<void>;
}

/**
 * The live stream's signals and confirmations, coalesced (@vpa/runtime coalescing-batcher.ts) per burst into one
 * {@link storeAnalysisRecordsOfStocks} call: one signal insert, one confirmation insert, one
 * pending-alert write and one `addBulk` for every symbol whose bar closed at the same moment,
 * instead of those four round trips per symbol queueing behind each other. The same idempotent
 * path as a scan's: stored twice, nothing is doubled and nobody is alerted twice.
 */
export function createRecordsWriteBatcher(
  deps: StoreRecordsDependencies,
  timeframe: Timeframe,
  maxRecords = 5_000,
): RecordsWriteBatcher {
  const batcher = createCoalescingBatcher<RecordsOfStock>(
    async (requests) => {
      // A (stock, time, type) once per statement, and a confirmation once per signal it confirms (a
      // bar announced twice in one burst: the newest wins).
      const signals = new Map<string, { stockId: number; signal: SignalRecord }>();
      const confirmations = new Map<string, { stockId: number; confirmation: ConfirmationRecord }>();
      for (const request of requests) {
        for (const signal of request.signals)
          signals.set(`${request.stockId}|${signal.time}|${signal.type}`, {
            stockId: request.stockId,
            signal,
          });
        for (const confirmation of request.confirmations)
          confirmations.set(`${request.stockId}|${confirmation.refTime}|${confirmation.type}`, {
            stockId: request.stockId,
            confirmation,
          });
      }
      const stocks = new Map<number, { signals: SignalRecord[]; confirmations: ConfirmationRecord[] }>();
      const of = (stockId: number) => {
        const stock = stocks.get(stockId) ?? { signals: [], confirmations: [] };
        stocks.set(stockId, stock);
        return stock;
      };
      for (const { stockId, signal } of signals.values()) of(stockId).signals.push(signal);
      for (const { stockId, confirmation } of confirmations.values())
        of(stockId).confirmations.push(confirmation);
      await storeAnalysisRecordsOfStocks(deps, {
        timeframe,
        stocks: [...stocks].map(([stockId, records]) => ({ stockId, ...records })),
        alert: true,
        scanId: null,
      });
    },
    { weight: (request) => request.signals.length + request.confirmations.length, maxWeight: maxRecords },
  );
  return { write: (records) => batcher.add(records) };
}
