/**
 * Evidence for signals from the stored track record, cheap enough for every delivery: the final
 * outcomes at the evidence horizon are read once per update of the track record (one pass over
 * the horizon's rows) into an EvidenceSnapshot, and every lookup after that is answered from
 * memory. Before a lookup, a stamp of the track record (three index probes) says whether the
 * stored rows moved since; it is read at most every `recheckMs`.
 */
import { DEFAULT_TRACK_RECORD_SEED } from "@vpa/core";
import { type Database, getTrackRecordSettings, readTrackRecordCells, readTrackRecordStamp } from "@vpa/db";
import type { Kysely } from "kysely";
import { EvidenceSnapshot } from "./evidence-snapshot.ts";
import { EVIDENCE_HORIZON, type EvidenceSubject, type SignalEvidence } from "./signal-evidence.ts";

/** What a delivery job, the bot and the CLI ask. */
export interface EvidenceLookup {
  /** The evidence of each subject, in order. */
  evidenceFor(subjects: readonly EvidenceSubject[]): Promise<SignalEvidence[]>;
  /**
   * Loads the track record's figures now (the alerts worker, as it starts), so the first alert
   * after a start does not wait while the whole horizon's rows are read. Rejects when the
   * database cannot be read.
   */
  warmUp(): Promise<void>;
}

export interface EvidenceLookupOptions {
  readonly db: Kysely<Database>;
  /**
   * How long the track record is taken as unchanged after its stamp was read. The update after a
   * close moves it once a day; a few seconds spare a burst of deliveries one query each.
   * @defaultValue 0 (read before every lookup)
   */
  readonly recheckMs?: number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

interface Loaded {
  readonly stamp: string;
  readonly snapshot: EvidenceSnapshot;
  checkedAt: number;
}

/**
 * @example
 * const evidence = createEvidenceLookup({ db, recheckMs: 5_000 });
 * const [line] = await evidence.evidenceFor([{ type: "SPRING", bias: "bull", exchange: "HOSE", score: 72, time: "2021-07-05" }]);
 */
export function createEvidenceLookup(options: EvidenceLookupOptions): EvidenceLookup {
  const now = options.now ?? Date.now;
  const recheckMs = options.recheckMs ?? 0;
  let loaded: Loaded | null = null;
  // Concurrent deliveries that find the track record moved share one load.
  let loading: { readonly stamp: string; readonly promise: Promise<Loaded> } | null = null;

  async function load(stamp: string, at: number): Promise<Loaded> {
    const [cells, settings] = await Promise.all([
      readTrackRecordCells(options.db, { horizon: EVIDENCE_HORIZON }),
      getTrackRecordSettings(options.db),
    ]);
    const seed = settings?.seed ?? DEFAULT_TRACK_RECORD_SEED;
    return { stamp, snapshot: new EvidenceSnapshot(cells, { seed }), checkedAt: at };
  }

  async function currentSnapshot(): Promise<EvidenceSnapshot> {
    const at = now();
    if (loaded !== null && at - loaded.checkedAt < recheckMs) return loaded.snapshot;
    // The stamp is read before the rows: an update landing in between gives rows newer than the
    // stamp, and the next lookup loads again. The other order could keep stale rows under a new stamp.
    const stamp = await readTrackRecordStamp(options.db);
    if (loaded !== null && loaded.stamp === stamp) {
      loaded.checkedAt = at;
      return loaded.snapshot;
    }
    let pending = loading;
    if (pending?.stamp !== stamp) {
      const entry = { stamp, promise: load(stamp, at) };
      loading = pending = entry;
      entry.promise.then(
        (result) => {
          loaded = result;
          if (loading === entry) loading = null;
        },
        () => {
          if (loading === entry) loading = null;
        },
      );
    }
    return (await pending.promise).snapshot;
  }

  return {
    async warmUp() {
      await currentSnapshot();
    },
    async evidenceFor(subjects) {
      if (subjects.length === 0) return [];
      const snapshot = await currentSnapshot();
      return subjects.map((subject) => snapshot.evidenceFor(subject));
    },
  };
}

const shared = new WeakMap<Kysely<Database>, EvidenceLookup>();

/**
 * One lookup per database handle, for callers that keep none of their own (the bot's /signals, a
 * delivery job run without the worker's): its snapshot is reused while the stamp says the track
 * record has not moved.
 */
export function sharedEvidenceLookup(db: Kysely<Database>): EvidenceLookup {
  let lookup = shared.get(db);
  if (lookup === undefined) {
    lookup = createEvidenceLookup({ db });
    shared.set(db, lookup);
  }
  return lookup;
}
