/**
 * Batch = streaming and no look-ahead on real Vietnamese daily data, full length per symbol.
 *
 * Rows with inconsistent OHLC (8 in the shared dataset) and repeated dates (one FPT row) are
 * dropped on load, as the importer does (see test/support/daily-bars-csv.ts); the core assumes
 * validated bars.
 */
import { describe, expect, it } from "vitest";
import {
  columnsToBars,
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  type SymbolSeries,
  sharedDataAvailable,
} from "../../test/support/daily-bars-csv.ts";
import type { VpaRecord } from "../vpa-record.ts";
import { analyze, analyzeColumns } from "./analyze.ts";
import { createStreamingAnalyzer } from "./streaming-analyzer.ts";

function streamAll(series: SymbolSeries): VpaRecord[] {
  const analyzer = createStreamingAnalyzer(series.symbol);
  const records: VpaRecord[] = [];
  for (const bar of columnsToBars(series.columns)) records.push(...analyzer.update(bar));
  return records;
}

/** Compares the three modes for every series; JSON text equality = identical JSON Lines output. */
function expectModesAgree(all: readonly SymbolSeries[]): { bars: number; records: number } {
  let bars = 0;
  let records = 0;
  const mismatches: string[] = [];
  for (const series of all) {
    const columnar = JSON.stringify(analyzeColumns(series.symbol, series.columns));
    const batch = JSON.stringify(analyze(series.symbol, columnsToBars(series.columns)));
    const streamed = JSON.stringify(streamAll(series));
    if (columnar !== batch || batch !== streamed) mismatches.push(series.symbol);
    bars += series.columns.time.length;
    records += analyzeColumns(series.symbol, series.columns).length;
  }
  expect(mismatches).toEqual([]);
  return { bars, records };
}

/** Records up to each cut equal the records of the prefix ending there. */
function expectNoLookAhead(series: SymbolSeries, cuts: number): void {
  const bars = columnsToBars(series.columns);
  const full = analyze(series.symbol, bars);
  for (let c = 1; c <= cuts; c++) {
    const cut = Math.floor((bars.length * c) / (cuts + 1));
    const lastTime = bars[cut]!.time;
    expect(analyze(series.symbol, bars.slice(0, cut + 1))).toEqual(full.filter((r) => r.time <= lastTime));
  }
}

describe("VN30 fixture (carried by the repository)", () => {
  it("batch, columnar and streaming agree on every symbol; prefixes never change", async () => {
    const data = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
    expect(data.series.length).toBeGreaterThanOrEqual(25);
    const { records } = expectModesAgree(data.series);
    expect(records).toBeGreaterThan(1_000);
    for (const series of data.series.slice(0, 10)) expectNoLookAhead(series, 5);
  });
});

describe.skipIf(!sharedDataAvailable)(
  sharedDataAvailable
    ? "shared dataset vn-daily-2000-2021 (all 1,681 symbols, full length)"
    : `shared dataset — SKIPPED: ${SHARED_DAILY_DATA_PATH} not found`,
  () => {
    it("batch, columnar and streaming agree on every symbol; 60 symbols checked for look-ahead", async () => {
      const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
      // The importer's drops: 8 inconsistent rows and FPT's repeated 2016-09-23.
      expect(data.droppedInconsistent).toBe(8);
      expect(data.droppedNonIncreasingDate).toBe(1);
      expect(data.series.length).toBe(1_681);
      const { bars } = expectModesAgree(data.series);
      expect(bars).toBe(data.rowsKept);
      // Look-ahead on 60 symbols spread over the list (longest histories included).
      const step = Math.floor(data.series.length / 60);
      for (let i = 0; i < 60; i++) expectNoLookAhead(data.series[i * step]!, 4);
    }, 240_000);
  },
);
