/**
 * The evidence lookup against the real PostgreSQL: stored outcome rows (hand-built) read in one
 * pass, the figures reused until the track record's stamp moves, and the same figures as a group
 * read of the stored track record (`readTrackRecordGroup`, what the study reads).
 */
import { summarizeOutcomeGroup } from "@vpa/core";
import {
  insertSignals,
  readTrackRecordCells,
  readTrackRecordGroup,
  readTrackRecordStamp,
  type SignalOutcomeInput,
  upsertSignalOutcomes,
  upsertStocks,
} from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { createEvidenceLookup } from "./evidence-lookup.ts";
import type { EvidenceSubject } from "./signal-evidence.ts";

let database: TestDatabase;
let stockIds: Map<string, number>;

beforeAll(async () => {
  database = await createTestDatabase();
  stockIds = await upsertStocks(database.db, [
    { symbol: "HPG", name: "Hoa Phat", exchange: "HOSE" },
    { symbol: "SHS", name: "Chung khoan Sai Gon - Ha Noi", exchange: "HNX" },
  ]);
});
afterAll(async () => {
  await database?.drop();
});
beforeEach(async () => {
  await sql`truncate vpa_signals cascade`.execute(database.db);
});

/** A stored signal's outcome at horizon 5, as a test writes it. */
interface StoredRow {
  readonly symbol?: string;
  readonly type?: string;
  readonly bias?: "bull" | "bear";
  readonly score?: number;
  /** Null: pending (its t+5 bar is still to come). */
  readonly netReturn: number | null;
  readonly chanceNetReturn: number | null;
}

let nextDay = 0;
/** Stores one signal per row (a session apart, from 2021-01-04) and its outcome at horizon 5. */
async function storeOutcomes(rows: readonly StoredRow[]): Promise<{ signalId: number; time: string }[]> {
  const stored: { signalId: number; time: string }[] = [];
  for (const row of rows) {
    nextDay++;
    const time = new Date(Date.UTC(2021, 0, 4) + nextDay * 86_400_000).toISOString().slice(0, 10);
    const [signal] = await insertSignals(database.db, stockIds.get(row.symbol ?? "HPG")!, "1D", [
      {
        time,
        type: row.type ?? "SPRING",
        bias: row.bias ?? "bull",
        score: row.score ?? 72,
        confidence: 0.5,
        priority: "MEDIUM",
        variant: row.type === undefined || row.type === "SPRING" ? "spring" : null,
        features: { vr: 0.8, sr: 1.1, cl: 0.7, trend: "flat" },
        close: 20,
        volume: 1_000_000,
        priceChange: 0.01,
      },
    ]);
    stored.push({ signalId: signal!.id, time });
  }
  await upsertSignalOutcomes(
    database.db,
    rows.map((row, i) => outcomeInput(stored[i]!.signalId, stored[i]!.time, row)),
  );
  return stored;
}

/** The row the track record's update would write: exit a week after the signal. */
function outcomeInput(signalId: number, time: string, row: StoredRow): SignalOutcomeInput {
  const exit = new Date(Date.parse(time) + 7 * 86_400_000).toISOString().slice(0, 10);
  const trade = (netReturn: number) => ({
    entryTime: time,
    entryPrice: 20,
    exitTime: exit,
    exitPrice: 20 * (1 + netReturn),
    netReturn,
  });
  const hit = (r: number) => ((row.bias ?? "bull") === "bull" ? r > 0 : r < 0);
  return {
    signalId,
    horizon: 5,
    averageTradedValue: 5e9,
    liquidityBand: "1-10bn",
    outcome: row.netReturn === null ? null : trade(row.netReturn),
    hit: row.netReturn === null ? null : hit(row.netReturn),
    chance: { status: "drawn", time },
    chanceOutcome: row.chanceNetReturn === null ? null : trade(row.chanceNetReturn),
    chanceHit: row.chanceNetReturn === null ? null : hit(row.chanceNetReturn),
  };
}

/** Three in four go up (+3%…+3.4%), the rest lose 1%; chance splits evenly. */
function strongRows(count: number, overrides: Partial<StoredRow> = {}): StoredRow[] {
  return Array.from({ length: count }, (_, i) => ({
    netReturn: i % 4 === 3 ? -0.01 : 0.03 + 0.001 * (i % 5),
    chanceNetReturn: i % 2 === 0 ? 0.005 : -0.006,
    ...overrides,
  }));
}

const alertToday: EvidenceSubject = {
  type: "SPRING",
  bias: "bull",
  exchange: "HOSE",
  score: 74,
  time: "2021-12-30",
  timeframe: "1D",
};

describe("evidence lookup", () => {
  it("says there is not enough history on an empty track record, then shows the figures once there are", async () => {
    const lookup = createEvidenceLookup({ db: database.db });
    expect(await lookup.evidenceFor([alertToday])).toEqual([
      { status: "not-enough-history", horizon: 5, count: 0, minimumCount: 30 },
    ]);
    await storeOutcomes([...strongRows(40), ...strongRows(5, { netReturn: null, chanceNetReturn: null })]);
    const [evidence] = await lookup.evidenceFor([alertToday]);
    // Pending rows are in no figure.
    expect(evidence).toMatchObject({
      status: "figures",
      group: { level: "type-exchange-score", exchange: "HOSE", scoreBand: "70-79" },
      count: 40,
      hits: 30,
      chanceHitRate: 0.5,
      verdict: "edge",
    });
  });

  it("reads the cells of final outcomes only, and the same figures as a group read of the stored record", async () => {
    await storeOutcomes([
      ...strongRows(20),
      ...strongRows(20, { symbol: "SHS", score: 85 }),
      ...strongRows(3, { netReturn: null, chanceNetReturn: null }),
      ...strongRows(10, { type: "NO_DEMAND", bias: "bear", score: 61 }),
    ]);
    const cells = await readTrackRecordCells(database.db, { horizon: 5 });
    expect(
      cells.map((c) => `${c.type} ${c.bias} ${c.exchange} ${c.score} ${c.netReturns.length}`).sort(),
    ).toEqual(["NO_DEMAND bear HOSE 61 10", "SPRING bull HNX 85 20", "SPRING bull HOSE 72 20"]);
    // Neither exchange nor band has 30: the type as a whole, as `vpa study` groups it.
    const [evidence] = await createEvidenceLookup({ db: database.db }).evidenceFor([alertToday]);
    const stored = await readTrackRecordGroup(database.db, { type: "SPRING", bias: "bull", horizon: 5 });
    const study = summarizeOutcomeGroup(
      "bull",
      Float64Array.from(stored.netReturns),
      Float64Array.from(stored.chanceNetReturns),
      { seed: 12, key: "type|SPRING|bull|5" },
    );
    expect(evidence).toMatchObject({
      status: "figures",
      group: { level: "type", exchange: null, scoreBand: null },
      count: stored.count,
      hits: stored.hits,
      hitRate: study.signals.hitRate,
      chanceHitRate: study.chance.hitRate,
      edgeInterval: { low: study.edge.interval!.low, high: study.edge.interval!.high },
      verdict: study.verdict,
    });
  });

  it("reuses its figures until the track record's stamp moves, read at most every recheckMs", async () => {
    let now = 1_000_000;
    const lookup = createEvidenceLookup({ db: database.db, recheckMs: 60_000, now: () => now });
    await storeOutcomes(strongRows(40));
    const stamp = await readTrackRecordStamp(database.db);
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({ count: 40 });
    await storeOutcomes(strongRows(10));
    expect(await readTrackRecordStamp(database.db)).not.toBe(stamp);
    now += 59_000;
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({ count: 40 });
    now += 1_000;
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({ count: 50 });
  });

  it("is loaded by its warm-up: the first lookup after it answers from the figures already read", async () => {
    let now = 1_000_000;
    const lookup = createEvidenceLookup({ db: database.db, recheckMs: 60_000, now: () => now });
    await storeOutcomes(strongRows(40));
    await lookup.warmUp();
    await storeOutcomes(strongRows(10));
    now += 1_000;
    // Within recheckMs of the warm-up: its figures, not a new read (which would count 50).
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({ count: 40 });
  });

  it("moves the stamp when a pending outcome becomes final, even with no new signal", async () => {
    await storeOutcomes(strongRows(29));
    const [pending] = await storeOutcomes([{ netReturn: null, chanceNetReturn: null }]);
    const lookup = createEvidenceLookup({ db: database.db });
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({
      status: "not-enough-history",
      count: 29,
    });
    // The update after the close that makes it final: the same row, now with both returns.
    await upsertSignalOutcomes(database.db, [
      outcomeInput(pending!.signalId, pending!.time, { netReturn: 0.02, chanceNetReturn: 0.001 }),
    ]);
    expect((await lookup.evidenceFor([alertToday]))[0]).toMatchObject({ status: "figures", count: 30 });
  });

  it("answers concurrent lookups alike (they share one load)", async () => {
    await storeOutcomes(strongRows(40));
    const lookup = createEvidenceLookup({ db: database.db });
    const answers = await Promise.all(Array.from({ length: 8 }, () => lookup.evidenceFor([alertToday])));
    for (const [evidence] of answers) expect(evidence).toEqual(answers[0]![0]);
  });
});
