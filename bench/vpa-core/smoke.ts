import { analyzeColumns } from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

let t0 = performance.now();
const ds = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
console.log(
  "load ms",
  performance.now() - t0,
  ds.series.length,
  ds.rowsRead,
  ds.rowsKept,
  ds.droppedInconsistent,
  ds.droppedNonIncreasingDate,
);
const counts = new Map<string, number>();
let bars = 0;
for (let rep = 0; rep < 3; rep++) {
  t0 = performance.now();
  bars = 0;
  counts.clear();
  for (const s of ds.series) {
    const recs = analyzeColumns(s.symbol, s.columns);
    bars += s.columns.time.length;
    for (const r of recs) {
      const k = r.kind === "signal" ? `${r.type}/${r.bias}` : `conf/${r.outcome}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const ms = performance.now() - t0;
  console.log("batch", ms.toFixed(0), "ms", (bars / ms / 1000).toFixed(2), "M bars/s");
}
console.log([...counts].sort());
