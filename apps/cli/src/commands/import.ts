import { writeFile } from "node:fs/promises";
import { isTimeframe, readTrackRecordCoverage, type Timeframe } from "@vpa/db";
import {
  BAR_FILE_FORMATS,
  type BarFileFormat,
  type ImportSummary,
  importBars,
  importStockMetadata,
  isBarFileFormat,
  isPriceUnit,
  listBarFiles,
  PRICE_UNITS,
  type PriceUnit,
} from "@vpa/scanner";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { parseOptions } from "../parse-options.ts";
import { BACKFILL_TRACK_RECORD } from "../track-record-backfill.ts";

/**
 * After the first daily history is imported: how to give every alert its evidence line from that
 * history (README: Signal track record), Vietnamese first.
 */
export const TRACK_RECORD_HINT = [
  `tiếp theo / next: ${BACKFILL_TRACK_RECORD}`,
  "  lưu tín hiệu của lịch sử và hồ sơ kết quả, không gửi cảnh báo nào / stores the history's signals and their track record, alerting nobody:",
  "  mỗi cảnh báo sau đó cho biết các tín hiệu như nó đã diễn biến ra sao / every alert then says how signals like it have done",
].join("\n");

/** Today's date in Asia/Ho_Chi_Minh (UTC+7, no DST), the bound of the future-date rule. */
export function todayInVietnam(now = Date.now()): string {
  return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * `vpa import`. Exit codes: 0 every row stored (flagged rows included: they are stored and only
 * reported), 3 valid rows stored but some rows rejected, 4 nothing imported (every row rejected,
 * or no rows), 1 a file could not be read or the database failed, 2 a bad command line.
 */
export async function runImport(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("import", args);
  if (positionals.length === 0 && values.stocks === undefined)
    throw new UsageError("import: name at least one file or directory");
  let timeframe: Timeframe | undefined;
  if (values.timeframe !== undefined) {
    if (!isTimeframe(values.timeframe))
      throw new UsageError(`import: unknown --timeframe ${values.timeframe}`);
    timeframe = values.timeframe;
  }
  let format: BarFileFormat | undefined;
  if (values.format !== undefined) {
    if (!isBarFileFormat(values.format))
      throw new UsageError(`import: --format must be one of ${BAR_FILE_FORMATS.join(", ")}`);
    format = values.format;
  }
  let priceUnit: PriceUnit | undefined;
  if (values["price-unit"] !== undefined) {
    if (!isPriceUnit(values["price-unit"]))
      throw new UsageError(`import: --price-unit must be one of ${PRICE_UNITS.join(", ")}`);
    priceUnit = values["price-unit"];
  }
  const started = performance.now();
  const stocks = values.stocks === undefined ? 0 : await importStockMetadata(app.database.db, values.stocks);
  const files = (await Promise.all(positionals.map(listBarFiles))).flat();
  const summary = await importBars(app.database.db, files, {
    timeframe,
    symbol: values.symbol,
    format,
    priceUnit,
    todayLocal: todayInVietnam(),
    onProgress: (rows) => {
      if (!values.json) process.stderr.write(`\r  ${rows.toLocaleString("en-US")} rows read`);
    },
  });
  if (!values.json && summary.rowsRead >= 100_000) process.stderr.write("\n");
  const seconds = (performance.now() - started) / 1000;
  if (values.report !== undefined) await writeFile(values.report, formatReport(summary, files));
  if (values.json) {
    console.log(JSON.stringify({ ...summary, stocks, seconds }));
  } else {
    console.log(
      `imported ${countOf(summary.barsAccepted, "bar")} of ${countOf(summary.symbols, "symbol")} from ${countOf(summary.files, "file")} ` +
        `in ${seconds.toFixed(1)} s (${summary.barsWritten.toLocaleString("en-US")} new or changed)` +
        (stocks > 0 ? `; ${countOf(stocks, "stock name")}` : ""),
    );
    if (summary.rejectedTotal > 0) {
      console.log(`rejected ${countOf(summary.rejectedTotal, "row")}:`);
      for (const [reason, count] of Object.entries(summary.rejectedByReason))
        console.log(`  ${reason}: ${count}`);
      for (const r of summary.rejections.slice(0, 5))
        console.log(`  e.g. ${r.file}:${r.line} ${r.reason} (${r.detail})`);
    }
    if (summary.flaggedTotal > 0) {
      console.log(`stored but flagged ${countOf(summary.flaggedTotal, "row")}:`);
      for (const [reason, count] of Object.entries(summary.flaggedByReason))
        console.log(`  ${reason}: ${count}`);
    }
    if (summary.rejectedTotal + summary.flaggedTotal > 0 && values.report === undefined)
      console.log("  (full list: --report <file>)");
    const stockBars = summary.symbols > summary.indices.length;
    if ((timeframe ?? "1D") === "1D" && stockBars && summary.barsWritten > 0) {
      if (!(await readTrackRecordCoverage(app.database.db)).started) console.log(TRACK_RECORD_HINT);
    }
  }
  if (summary.barsAccepted === 0 && positionals.length > 0) return EXIT.nothingImported;
  return summary.rejectedTotal > 0 ? EXIT.rowsRejected : EXIT.ok;
}

/**
 * The report: tab-separated `file line status reason detail`, one row per rejected (`rejected`) or
 * flagged (`stored`) row, in file order then line order.
 */
function formatReport(summary: ImportSummary, files: readonly string[]): string {
  const fileOrder = new Map(files.map((file, index) => [file, index]));
  const rows = [
    ...summary.rejections.map((r) => ({ ...r, status: "rejected" })),
    ...summary.flags.map((f) => ({ ...f, status: "stored" })),
  ].sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line);
  const lines = rows.map((r) => `${r.file}\t${r.line}\t${r.status}\t${r.reason}\t${r.detail}`);
  const truncated =
    summary.rejections.length < summary.rejectedTotal || summary.flags.length < summary.flaggedTotal
      ? `# only the first ${summary.rejections.length} rejections and ${summary.flags.length} flags are listed\n`
      : "";
  return `file\tline\tstatus\treason\tdetail\n${lines.map((line) => `${line}\n`).join("")}${truncated}`;
}
