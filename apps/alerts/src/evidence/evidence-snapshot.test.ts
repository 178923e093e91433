import { summarizeOutcomeGroup } from "@vpa/core";
import type { TrackRecordCell } from "@vpa/db";
import { describe, expect, it } from "vitest";
import { EvidenceSnapshot } from "./evidence-snapshot.ts";
import type { EvidenceSubject } from "./signal-evidence.ts";

/** One stored (signal, horizon 5) outcome, as a test writes it. */
interface OutcomeRow {
  readonly type?: string;
  readonly bias?: "bull" | "bear";
  readonly exchange?: string | null;
  readonly score?: number;
  readonly netReturn: number;
  /** The day its exit bar closed (it became final). */
  readonly finalOn?: string;
  /** Null: the chance entry is not final (or there is none). */
  readonly chanceNetReturn: number | null;
  readonly chanceFinalOn?: string;
}

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** Groups rows into the repository's cells (type, bias, exchange, score), as readTrackRecordCells does. */
function cellsOf(rows: readonly OutcomeRow[]): TrackRecordCell[] {
  const groups = new Map<
    string,
    {
      key: Omit<TrackRecordCell, "netReturns" | "finalDays" | "chanceNetReturns" | "chanceFinalDays">;
      rows: OutcomeRow[];
    }
  >();
  for (const row of rows) {
    const type = row.type ?? "SPRING";
    const bias = row.bias ?? "bull";
    const exchange = row.exchange === undefined ? "HOSE" : row.exchange;
    const score = row.score ?? 72;
    const key = `${type}|${bias}|${exchange}|${score}`;
    const group = groups.get(key) ?? { key: { type, bias, exchange, score }, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ key, rows: cellRows }) => ({
    ...key,
    netReturns: Float64Array.from(cellRows, (row) => row.netReturn),
    finalDays: Int32Array.from(cellRows, (row) => day(row.finalOn ?? "2021-06-01")),
    // As the repository packs it: NaN (and day 0) where the chance entry is not final.
    chanceNetReturns: Float64Array.from(cellRows, (row) => row.chanceNetReturn ?? Number.NaN),
    chanceFinalDays: Int32Array.from(cellRows, (row) =>
      row.chanceNetReturn === null ? 0 : day(row.chanceFinalOn ?? "2021-06-01"),
    ),
  }));
}

/**
 * `count` outcomes of one cell: three in four go the bull way (+3%…+3.4%), the rest lose 1%;
 * their chance entries split evenly (+0.5%, −0.6%). Clearly better than chance.
 */
function strongRows(count: number, overrides: Partial<OutcomeRow> = {}): OutcomeRow[] {
  return Array.from({ length: count }, (_, i) => ({
    netReturn: i % 4 === 3 ? -0.01 : 0.03 + 0.001 * (i % 5),
    chanceNetReturn: i % 2 === 0 ? 0.005 : -0.006,
    ...overrides,
  }));
}

const SEED = 12;
const spring72: EvidenceSubject = {
  type: "SPRING",
  bias: "bull",
  exchange: "HOSE",
  score: 72,
  time: "2021-07-05",
};

describe("EvidenceSnapshot", () => {
  it("gives the narrowest group with enough outcomes its figures, and vpa-core's verdict on them", () => {
    const rows = strongRows(40);
    const snapshot = new EvidenceSnapshot(cellsOf(rows), { seed: SEED });
    const evidence = snapshot.evidenceFor(spring72);
    // Verified by hand: 30 of 40 rows are i % 4 ≠ 3 (hits), 20 of 40 chance entries are +0.5%.
    expect(evidence).toMatchObject({
      status: "figures",
      horizon: 5,
      group: {
        level: "type-exchange-score",
        type: "SPRING",
        bias: "bull",
        exchange: "HOSE",
        scoreBand: "70-79",
      },
      count: 40,
      hits: 30,
      hitRate: 0.75,
      chanceCount: 40,
      chanceHitRate: 0.5,
      verdict: "edge",
      finalThrough: "2021-06-01",
    });
    // The verdict is the track record's own computation on the same returns, not a second rule.
    const core = summarizeOutcomeGroup(
      "bull",
      Float64Array.from(rows.map((r) => r.netReturn)),
      Float64Array.from(rows.map((r) => r.chanceNetReturn!)),
      { seed: SEED, key: "evidence|SPRING|HOSE|70-79|bull|5" },
    );
    expect(evidence.status === "figures" && evidence.edgeInterval).toEqual({
      low: core.edge.interval!.low,
      high: core.edge.interval!.high,
    });
  });

  it("says no edge when the signals did as chance did", () => {
    const rows = strongRows(40).map((row) => ({ ...row, chanceNetReturn: row.netReturn }));
    const evidence = new EvidenceSnapshot(cellsOf(rows), { seed: SEED }).evidenceFor(spring72);
    expect(evidence).toMatchObject({
      status: "figures",
      hitRate: 0.75,
      chanceHitRate: 0.75,
      verdict: "no-edge",
    });
  });

  it("falls back to type + score band when the exchange has too few outcomes", () => {
    const rows = [...strongRows(10), ...strongRows(25, { exchange: "HNX", score: 75 })];
    const evidence = new EvidenceSnapshot(cellsOf(rows), { seed: SEED }).evidenceFor(spring72);
    expect(evidence).toMatchObject({
      status: "figures",
      group: { level: "type-score", exchange: null, scoreBand: "70-79" },
      count: 35,
    });
  });

  it("falls back to the type alone when the score band has too few, and skips the exchange when the stock has none", () => {
    const rows = [...strongRows(10), ...strongRows(25, { exchange: "HNX", score: 55 })];
    const snapshot = new EvidenceSnapshot(cellsOf(rows), { seed: SEED });
    expect(snapshot.evidenceFor(spring72)).toMatchObject({
      status: "figures",
      group: { level: "type", exchange: null, scoreBand: null },
      count: 35,
    });
    const enough = new EvidenceSnapshot(cellsOf(strongRows(40, { exchange: null })), { seed: SEED });
    expect(enough.evidenceFor({ ...spring72, exchange: null })).toMatchObject({
      group: { level: "type-score" },
      count: 40,
    });
  });

  it("counts chance entries too: a group whose chance entries are not final yet is too few", () => {
    const rows = strongRows(40).map((row, i) => (i < 15 ? { ...row, chanceNetReturn: null } : row));
    const evidence = new EvidenceSnapshot(cellsOf(rows), { seed: SEED }).evidenceFor(spring72);
    expect(evidence).toEqual({ status: "not-enough-history", horizon: 5, count: 40, minimumCount: 30 });
  });

  it("says there is not enough history, and never a number, with an empty table or a new type", () => {
    expect(new EvidenceSnapshot([], { seed: SEED }).evidenceFor(spring72)).toEqual({
      status: "not-enough-history",
      horizon: 5,
      count: 0,
      minimumCount: 30,
    });
    const snapshot = new EvidenceSnapshot(cellsOf(strongRows(40)), { seed: SEED });
    expect(snapshot.evidenceFor({ ...spring72, type: "NEW_TYPE" })).toMatchObject({
      status: "not-enough-history",
      count: 0,
    });
    expect(snapshot.evidenceFor({ ...spring72, bias: "bear" })).toMatchObject({
      status: "not-enough-history",
    });
    expect(new EvidenceSnapshot(cellsOf(strongRows(12)), { seed: SEED }).evidenceFor(spring72)).toMatchObject(
      {
        status: "not-enough-history",
        count: 12,
      },
    );
  });

  it("counts a bear signal's hits as falls", () => {
    const rows = strongRows(40, { type: "NO_DEMAND", bias: "bear", score: 64 }).map((row) => ({
      ...row,
      netReturn: -row.netReturn,
    }));
    const evidence = new EvidenceSnapshot(cellsOf(rows), { seed: SEED }).evidenceFor({
      type: "NO_DEMAND",
      bias: "bear",
      exchange: "HOSE",
      score: 64,
      time: "2021-07-05",
    });
    // 30 of 40 returns are below zero; chance falls on its −0.6% half.
    expect(evidence).toMatchObject({
      status: "figures",
      group: { bias: "bear", scoreBand: "60-69" },
      hits: 30,
      hitRate: 0.75,
      chanceHitRate: 0.5,
      verdict: "edge",
    });
  });

  it("uses only outcomes final by the signal's own bar: no look-ahead for an older signal", () => {
    const rows = [
      ...strongRows(40, { finalOn: "2021-01-15", chanceFinalOn: "2021-01-20" }),
      ...strongRows(40, { finalOn: "2021-06-15", chanceFinalOn: "2021-06-15" }),
    ];
    const snapshot = new EvidenceSnapshot(cellsOf(rows), { seed: SEED });
    expect(snapshot.finalThroughDay).toBe(day("2021-06-15"));
    expect(snapshot.evidenceFor({ ...spring72, time: "2021-07-05" })).toMatchObject({
      count: 80,
      finalThrough: "2021-06-15",
    });
    expect(snapshot.evidenceFor({ ...spring72, time: "2021-03-01" })).toMatchObject({
      count: 40,
      finalThrough: "2021-03-01",
    });
    // On 2021-01-15 the first 40 are final but their chance entries are not yet (2021-01-20).
    expect(snapshot.evidenceFor({ ...spring72, time: "2021-01-15" })).toMatchObject({
      status: "not-enough-history",
      count: 40,
    });
    expect(snapshot.evidenceFor({ ...spring72, time: "2020-12-31" })).toMatchObject({ count: 0 });
    // Two dates that count the same outcomes get the same figures (one bootstrap for both).
    const [march, april] = ["2021-03-01", "2021-04-01"].map((time) =>
      snapshot.evidenceFor({ ...spring72, time }),
    );
    expect(april).toEqual({ ...march, finalThrough: "2021-04-01" });
  });

  it("has no figures for intraday or weekly signals: the track record is of daily bars", () => {
    const snapshot = new EvidenceSnapshot(cellsOf(strongRows(40)), { seed: SEED });
    expect(snapshot.evidenceFor({ ...spring72, time: "2021-07-05T10:15:00+07:00" })).toEqual({
      status: "not-tracked",
    });
    expect(snapshot.evidenceFor({ ...spring72, timeframe: "1W" })).toEqual({ status: "not-tracked" });
    expect(snapshot.evidenceFor({ ...spring72, timeframe: "1D" })).toMatchObject({ status: "figures" });
  });
});
