import { DEFAULT_TRACK_RECORD_SEED, market, TRACK_RECORD_HORIZONS } from "@vpa/core";
import {
  type Database,
  findNewestBarDate,
  findTrackRecordWork,
  loadTrackRecordBars,
  type SignalOutcomeInput,
  saveTrackRecordSettings,
  type Timeframe,
  type TrackRecordSettings,
  upsertSignalOutcomes,
} from "@vpa/db";
import type { Kysely } from "kysely";
import { TrackRecordSettingsError } from "./track-record-settings-error.ts";
import { trackRecordUpdateRows } from "./track-record-update-rows.ts";

export interface UpdateTrackRecordOptions {
  /** @defaultValue "1D" (the track record is for daily bars) */
  readonly timeframe?: Timeframe;
  /** @defaultValue DEFAULT_TRACK_RECORD_SEED */
  readonly seed?: number;
  /** @defaultValue 0.0015 */
  readonly brokerageRate?: number;
  /** @defaultValue 1, 5, 10, 20 */
  readonly horizons?: readonly number[];
  /** The newest date of the data; default: the newest bar in the database. */
  readonly asOf?: string;
  /**
   * Stocks per bars query.
   * @defaultValue 200
   */
  readonly stocksPerLoad?: number;
}

export interface TrackRecordUpdateSummary {
  /** The data's newest date the update worked to; null without bars. */
  readonly asOf: string | null;
  readonly stocks: number;
  /** Signals taken in for the first time. */
  readonly signalsTaken: number;
  readonly rowsWritten: number;
  /** Rows whose own trade became final. */
  readonly becameFinal: number;
  /** Rows whose chance entry became final. */
  readonly chanceSettled: number;
  readonly unknownTypes: readonly string[];
}

/**
 * Brings the stored track record up to the newest bar: finds the signals whose outcome can move
 * (new ones, open horizons, chance draws whose date has come), loads only the bars each stock
 * needs, computes with vpa-core and upserts the rows that changed. Idempotent: a second run
 * right after finds nothing to do. Run it after each scan of daily bars.
 *
 * @throws TrackRecordSettingsError when the stored rows were computed with other settings.
 */
export async function updateTrackRecord(
  db: Kysely<Database>,
  options: UpdateTrackRecordOptions = {},
): Promise<TrackRecordUpdateSummary> {
  const timeframe = options.timeframe ?? "1D";
  const requested: TrackRecordSettings = {
    seed: options.seed ?? DEFAULT_TRACK_RECORD_SEED,
    brokerageRate: options.brokerageRate ?? market.DEFAULT_BROKERAGE_RATE,
    horizons: [...(options.horizons ?? TRACK_RECORD_HORIZONS)],
  };
  const empty = {
    stocks: 0,
    signalsTaken: 0,
    rowsWritten: 0,
    becameFinal: 0,
    chanceSettled: 0,
    unknownTypes: [],
  };
  const asOf = options.asOf ?? (await findNewestBarDate(db, timeframe));
  if (asOf === undefined) return { asOf: null, ...empty };
  const stored = await saveTrackRecordSettings(db, requested);
  if (
    stored.seed !== requested.seed ||
    stored.brokerageRate !== requested.brokerageRate ||
    stored.horizons.join(",") !== requested.horizons.join(",")
  ) {
    throw new TrackRecordSettingsError(stored, requested);
  }
  const work = await findTrackRecordWork(db, { timeframe, asOf });
  if (work.length === 0) return { asOf, ...empty };
  let signalsTaken = 0;
  let becameFinal = 0;
  let chanceSettled = 0;
  let rowsWritten = 0;
  const unknownTypes = new Set<string>();
  const perLoad = options.stocksPerLoad ?? 200;
  for (let start = 0; start < work.length; start += perLoad) {
    const chunk = work.slice(start, start + perLoad);
    const bars = await loadTrackRecordBars(
      db,
      timeframe,
      chunk.map((w) => ({ stockId: w.stockId, from: w.loadFrom })),
      asOf,
    );
    const barsOf = new Map(bars.map((b) => [b.stockId, b]));
    const rows: SignalOutcomeInput[] = [];
    for (const stock of chunk) {
      const stockBars = barsOf.get(stock.stockId);
      if (stockBars === undefined) continue;
      const update = trackRecordUpdateRows(stock, stockBars, asOf, stored);
      rows.push(...update.rows);
      signalsTaken += update.signalsTaken;
      becameFinal += update.becameFinal;
      chanceSettled += update.chanceSettled;
      for (const type of update.unknownTypes) unknownTypes.add(type);
    }
    rowsWritten += await upsertSignalOutcomes(db, rows);
  }
  return {
    asOf,
    stocks: work.length,
    signalsTaken,
    rowsWritten,
    becameFinal,
    chanceSettled,
    unknownTypes: [...unknownTypes],
  };
}
