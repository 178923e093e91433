import { analyzeColumns } from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const ds = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH);
for (let rep = 0; rep < 5; rep++) {
  const t0 = performance.now();
  let bars = 0,
    recs = 0;
  for (const s of ds.series) {
    recs += analyzeColumns(s.symbol, s.columns).length;
    bars += s.columns.time.length;
  }
  const ms = performance.now() - t0;
  console.log("batch", ms.toFixed(0), "ms", (bars / ms / 1000).toFixed(2), "M bars/s", recs);
}
