/**
 * Benchmark of @vpa/core on the whole shared dataset. Prints figures; not a test, no limits.
 *
 *   node_modules/.bin/node --expose-gc bench/vpa-core/run.ts
 *
 * (a) batch analysis (analyzeColumns) over all symbols, single thread: bars/s   — goal >= 5M
 * (b) streaming: ns per update() and bytes of state per symbol                 — goals <= 200 ns, <= 4 KB
 * (c) shared features (20-bar volume and spread means, ATR14, SMA10): ours vs technicalindicators,
 *     speed ratio (goal >= 10x) and value agreement.
 */
import { arch, cpus, totalmem } from "node:os";
import { ATR, SMA, TrueRange, WEMA } from "technicalindicators";
import {
  analyzeColumns,
  createStreamingAnalyzer,
  rollingMeanColumn,
  type StreamingAnalyzer,
  wilderAtrColumn,
} from "../../packages/vpa-core/src/index.ts";
import {
  columnsToBars,
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 2) => x.toLocaleString("en-US", { maximumFractionDigits: digits });

if (!sharedDataAvailable) {
  console.log(`shared dataset not found at ${SHARED_DAILY_DATA_PATH}: nothing to benchmark`);
  process.exit(0);
}

console.log(
  `node ${process.version} · ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} · ${fmt(totalmem() / 2 ** 30, 1)} GiB`,
);
if (gc === undefined) console.log("note: run with --expose-gc for the state-size figure");

// ── load ────────────────────────────────────────────────────────────────────────────────────────
let start = performance.now();
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
const loadMs = performance.now() - start;
const totalBars = data.rowsKept;
console.log(
  `load: ${fmt(data.rowsRead, 0)} rows, ${data.series.length} symbols in ${fmt(loadMs / 1000)} s ` +
    `(gunzip stream + line parse); dropped ${data.droppedInconsistent} inconsistent OHLC rows and ` +
    `${data.droppedNonIncreasingDate} repeated date → ${fmt(totalBars, 0)} bars`,
);

// ── (a) batch ───────────────────────────────────────────────────────────────────────────────────
const batchRuns: number[] = [];
let records = 0;
for (let run = 0; run < 7; run++) {
  start = performance.now();
  records = 0;
  for (const series of data.series) records += analyzeColumns(series.symbol, series.columns).length;
  batchRuns.push(performance.now() - start);
}
const timedBatch = batchRuns.slice(2); // the first two runs warm up the JIT
console.log(
  `(a) batch analyzeColumns, all symbols: median ${fmt(median(timedBatch), 0)} ms → ${fmt(totalBars / median(timedBatch) / 1000)} M bars/s ` +
    `(best ${fmt(totalBars / Math.min(...timedBatch) / 1000)} M bars/s; ${fmt(records, 0)} records; runs ms: ${batchRuns.map((x) => x.toFixed(0)).join(" ")})`,
);

// ── (b) streaming ───────────────────────────────────────────────────────────────────────────────
const streamRuns: number[] = [];
for (let run = 0; run < 3; run++) {
  let timed = 0;
  for (const series of data.series) {
    const bars = columnsToBars(series.columns); // built outside the timed loop: update() receives ready bars
    const analyzer = createStreamingAnalyzer(series.symbol);
    const t0 = performance.now();
    for (let i = 0; i < bars.length; i++) analyzer.update(bars[i]!);
    timed += performance.now() - t0;
  }
  streamRuns.push(timed);
}
const nsPerUpdate = (median(streamRuns) * 1e6) / totalBars;
console.log(
  `(b) streaming update(): median ${fmt(nsPerUpdate, 1)} ns/bar (runs: ${streamRuns.map((ms) => fmt((ms * 1e6) / totalBars, 1)).join(", ")} ns/bar)`,
);

function memory(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const analyzers: StreamingAnalyzer[] = [];
const sample = columnsToBars(data.series.find((s) => s.symbol === "FPT")!.columns).slice(0, 100);
const before = memory();
const count = 20_000;
for (let i = 0; i < count; i++) {
  const analyzer = createStreamingAnalyzer(`S${i}`);
  for (const bar of sample) analyzer.update(bar); // fill every buffer
  analyzers.push(analyzer);
}
const bytesPerSymbol = (memory() - before) / count;
console.log(
  `(b) state per symbol: ${fmt(bytesPerSymbol, 0)} bytes (heapUsed + arrayBuffers delta over ${fmt(count, 0)} analyzers ` +
    `after 100 bars each, ${gc === undefined ? "NO forced GC — unreliable" : "after forced GC"})`,
);
analyzers.length = 0;

// ── (c) features: ours vs technicalindicators ───────────────────────────────────────────────────
interface Arrays {
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  spread: number[];
}
const spreads = data.series.map((s) => Float64Array.from(s.columns.high, (h, i) => h - s.columns.low[i]!));
const asArrays: Arrays[] = data.series.map((s, k) => ({
  high: Array.from(s.columns.high),
  low: Array.from(s.columns.low),
  close: Array.from(s.columns.close),
  volume: Array.from(s.columns.volume),
  spread: Array.from(spreads[k]!),
}));

function oursOnce() {
  return data.series.map((s, k) => ({
    volume20: rollingMeanColumn(s.columns.volume, 20),
    spread20: rollingMeanColumn(spreads[k]!, 20),
    atr14: wilderAtrColumn(s.columns.high, s.columns.low, s.columns.close, 14),
    sma10: rollingMeanColumn(s.columns.close, 10),
  }));
}
function theirsOnce() {
  return asArrays.map((a) => ({
    volume20: SMA.calculate({ period: 20, values: a.volume }),
    spread20: SMA.calculate({ period: 20, values: a.spread }),
    atr14: ATR.calculate({ high: a.high, low: a.low, close: a.close, period: 14 }),
    sma10: SMA.calculate({ period: 10, values: a.close }),
  }));
}
oursOnce(); // warm-up
const oursRuns: number[] = [];
let ours = oursOnce();
for (let run = 0; run < 5; run++) {
  start = performance.now();
  ours = oursOnce();
  oursRuns.push(performance.now() - start);
}
theirsOnce(); // warm-up
const theirsRuns: number[] = [];
let theirs = theirsOnce();
for (let run = 0; run < 3; run++) {
  start = performance.now();
  theirs = theirsOnce();
  theirsRuns.push(performance.now() - start);
}
console.log(
  `(c) features (vol20, spread20, ATR14, SMA10) over all bars: ours ${fmt(median(oursRuns), 0)} ms, ` +
    `technicalindicators ${fmt(median(theirsRuns), 0)} ms → ${fmt(median(theirsRuns) / median(oursRuns), 1)}x`,
);

// Agreement. SMA: theirs[j] is bar j + period − 1. ATR: the spec seeds with TR[0] = high−low, theirs
// with TR[1..14]; the spec's ATR is theirs WEMA over [high[0]−low[0], ...TrueRange] — compared
// exactly, and their ATR.calculate compared after its seed has decayed (500 bars).
let smaWorst = 0;
let atrSpecWorst = 0;
let atrLibraryEarlyWorst = 0;
let atrLibraryLateWorst = 0;
const relative = (a: number, b: number) =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
data.series.forEach((_series, k) => {
  const o = ours[k]!;
  const t = theirs[k]!;
  const a = asArrays[k]!;
  const pairs: [Float64Array, number[], number][] = [
    [o.volume20, t.volume20, 20],
    [o.spread20, t.spread20, 20],
    [o.sma10, t.sma10, 10],
  ];
  for (const [mine, lib, period] of pairs) {
    lib.forEach((v, j) => {
      const m = mine[j + period - 1]!;
      // Rolling means of values that are 0 in the window: absolute comparison (theirs drifts around 0).
      smaWorst = Math.max(smaWorst, Math.abs(v) < 1e-9 ? Math.abs(m - v) : relative(m, v));
    });
  }
  const trueRange = [
    a.high[0]! - a.low[0]!,
    ...TrueRange.calculate({ high: a.high, low: a.low, close: a.close }),
  ];
  const specAtr = WEMA.calculate({ period: 14, values: trueRange });
  specAtr.forEach((v, j) => {
    if (v > 1e-9) atrSpecWorst = Math.max(atrSpecWorst, relative(o.atr14[j + 13]!, v));
  });
  t.atr14.forEach((v, j) => {
    if (!(v > 1e-9)) return;
    const r = relative(o.atr14[j + 14]!, v);
    if (j < 14) atrLibraryEarlyWorst = Math.max(atrLibraryEarlyWorst, r);
    else if (j >= 500) atrLibraryLateWorst = Math.max(atrLibraryLateWorst, r);
  });
});
console.log(
  `(c) agreement: SMA/rolling means max rel diff ${smaWorst.toExponential(2)}; ATR vs spec-seeded WEMA(TR) ` +
    `${atrSpecWorst.toExponential(2)}; vs technicalindicators ATR.calculate: first 14 values up to ` +
    `${atrLibraryEarlyWorst.toExponential(2)} (different seed), after 500 bars ${atrLibraryLateWorst.toExponential(2)}`,
);
