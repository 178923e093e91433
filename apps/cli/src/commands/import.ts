import { writeFile } from "node:fs/promises";
import { isTimeframe, type Timeframe } from "@vpa/db";
import { importBars, importStockMetadata, listBarFiles } from "@vpa/scanner";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { parseOptions } from "../parse-options.ts";

export const usage =
  "vpa import <file|dir>...     load bars (CSV, .gz) [--timeframe 1D] [--symbol S] [--stocks list.csv] [--report out.tsv] [--json]";

/** Today's date in Asia/Ho_Chi_Minh (UTC+7, no DST), the bound of the future-date rule. */
export function todayInVietnam(now = Date.now()): string {
  return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function runImport(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("import", args, {
    timeframe: { type: "string" },
    symbol: { type: "string" },
    stocks: { type: "string" },
    report: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length === 0 && values.stocks === undefined)
    throw new UsageError("import: name at least one file or directory");
  let timeframe: Timeframe | undefined;
  if (values.timeframe !== undefined) {
    if (!isTimeframe(values.timeframe))
      throw new UsageError(`import: unknown --timeframe ${values.timeframe}`);
    timeframe = values.timeframe;
  }
  const started = performance.now();
  const stocks = values.stocks === undefined ? 0 : await importStockMetadata(app.database.db, values.stocks);
  const files = (await Promise.all(positionals.map(listBarFiles))).flat();
  const summary = await importBars(app.database.db, files, {
    timeframe,
    symbol: values.symbol,
    todayLocal: todayInVietnam(),
    onProgress: (rows) => {
      if (!values.json) process.stderr.write(`\r  ${rows.toLocaleString("en-US")} rows read`);
    },
  });
  if (!values.json && summary.rowsRead >= 100_000) process.stderr.write("\n");
  const seconds = (performance.now() - started) / 1000;
  if (values.report !== undefined) {
    const lines = summary.rejections.map((r) => `${r.file}\t${r.line}\t${r.reason}\t${r.detail}`);
    await writeFile(values.report, `file\tline\treason\tdetail\n${lines.join("\n")}\n`);
  }
  if (values.json) {
    console.log(JSON.stringify({ ...summary, stocks, seconds }));
  } else {
    console.log(
      `imported ${summary.barsAccepted.toLocaleString("en-US")} bars of ${summary.symbols} symbols from ${summary.files} file(s) ` +
        `in ${seconds.toFixed(1)} s (${summary.barsWritten.toLocaleString("en-US")} new or changed)` +
        (stocks > 0 ? `; ${stocks} stock names` : ""),
    );
    if (summary.rejectedTotal > 0) {
      console.log(`rejected ${summary.rejectedTotal} row(s):`);
      for (const [reason, count] of Object.entries(summary.rejectedByReason))
        console.log(`  ${reason}: ${count}`);
      for (const r of summary.rejections.slice(0, 5))
        console.log(`  e.g. ${r.file}:${r.line} ${r.reason} (${r.detail})`);
      if (values.report === undefined) console.log("  (full list: --report <file>)");
    }
  }
  if (summary.barsAccepted === 0 && positionals.length > 0) return EXIT.nothingImported;
  return summary.rejectedTotal > 0 ? EXIT.rowsRejected : EXIT.ok;
}
