import { writeFile } from "node:fs/promises";
import { formatPercent, VN30_SYMBOLS } from "@vpa/backtest";
import {
  analyzeColumns,
  computeTrackRecord,
  DEFAULT_TRACK_RECORD_SEED,
  findSignalDefinition,
  market,
  type SignalRecord,
  type TrackRecord,
  type TrackRecordGroup,
  type TrackRecordInput,
} from "@vpa/core";
import { listBacktestSymbols, loadBacktestBars } from "@vpa/db";
// Relative: the renderer and the update live in workspaces whose index this command does not own.
import { renderStudyReportHtml } from "../../../backtest/src/report/render-study-html.ts";
import { updateTrackRecord } from "../../../scanner/src/track-record/update-track-record.ts";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";

/** Symbols per bars query while loading (the backtest's batch). */
const LOAD_BATCH = 100;

const VERDICTS: Record<TrackRecordGroup["verdict"], string> = {
  edge: "có lợi thế / edge",
  "no-edge": "không có lợi thế / no edge",
  "worse-than-chance": "kém hơn ngẫu nhiên / worse than chance",
  "too-few": "quá ít / too few",
};

function isoDate(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new UsageError(`study: --${name} must be a date like 2018-01-01 (got ${value})`);
  return value;
}

/** "0.15%" or "0.0015" → 0.0015. */
function parseRate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const percent = text.endsWith("%");
  const value = Number(percent ? text.slice(0, -1) : text);
  const rate = percent ? value / 100 : value;
  if (!Number.isFinite(rate) || rate < 0 || rate > 0.05)
    throw new UsageError(
      `study: --brokerage must be a rate per side like 0.15% or 0.0015 (got ${JSON.stringify(text)})`,
    );
  return rate;
}

/** `SPRING` → "SPRING (Cú lò xo)". */
function typeLabel(type: string): string {
  const definition = findSignalDefinition(type);
  return definition === undefined ? type : `${type} (${definition.label.vi})`;
}

const interval = (i: { low: number; high: number } | null) =>
  i === null ? "—" : `${formatPercent(i.low)} … ${formatPercent(i.high)}`;

function printStudy(
  record: TrackRecord,
  horizon: number,
  universe: string,
  missing: readonly string[],
): void {
  console.log(
    `Hồ sơ tín hiệu / Signal track record: ${universe}, ${record.symbolCount} mã/symbols, ${record.signalCount} tín hiệu/signals, ${record.from ?? "…"} → ${record.asOf}`,
  );
  if (missing.length > 0) console.log(`không có dữ liệu / no bars for: ${missing.join(", ")}`);
  console.log(
    `Mua ở giá mở cửa phiên sau, bán ở giá đóng cửa phiên t+h, trừ phí ${formatPercent(record.brokerageRate, 2, false)} mỗi chiều và thuế bán 0,1% / ` +
      `in at the next open, out at the close of t+h, net of ${formatPercent(record.brokerageRate, 2, false)} brokerage each way and the 0.1% sell tax`,
  );
  console.log(
    "Ngẫu nhiên = một phiên ngẫu nhiên cùng mã, cùng năm / chance = a random session of the same stock and year, traded the same way\n",
  );
  const types = record.groups.filter((g) => g.dimension === "type");
  console.log(
    formatTable(
      [
        "Tín hiệu / Signal",
        "Chiều / Bias",
        "Kỳ / h",
        "Số / n",
        "Trúng / Hit",
        "Ngẫu nhiên / Chance",
        "TB ròng / Mean net",
        "KTC 95% / 95% interval",
        "TB ngẫu nhiên / Chance mean",
        "Lợi thế / Edge",
        "KTC 95% lợi thế / Edge 95%",
        "Kết luận / Verdict",
      ],
      types.map((g) => [
        typeLabel(g.key),
        g.bias,
        g.horizon,
        g.signals.count,
        formatPercent(g.signals.hitRate, 1, false),
        formatPercent(g.chance.hitRate, 1, false),
        formatPercent(g.signals.mean),
        interval(g.signals.interval),
        formatPercent(g.chance.mean),
        formatPercent(g.edge.mean),
        interval(g.edge.interval),
        VERDICTS[g.verdict],
      ]),
    ),
  );
  console.log("");
  console.log(`Kết luận ở kỳ ${horizon} phiên / Verdict at the ${horizon}-session horizon:`);
  for (const verdict of Object.keys(VERDICTS) as TrackRecordGroup["verdict"][]) {
    const names = types
      .filter((g) => g.horizon === horizon && g.verdict === verdict)
      .map((g) => (g.key === "ABSORPTION" ? `${g.key} (${g.bias})` : g.key));
    console.log(`  ${VERDICTS[verdict]}: ${names.length === 0 ? "—" : names.join(", ")}`);
  }
  console.log("");
  console.log(
    "Lợi thế = KTC 95% của (tín hiệu − ngẫu nhiên) không chứa 0; tín hiệu giảm (bear) có lợi thế khi lợi nhuận mua thấp hơn ngẫu nhiên.\n" +
      "Edge = the 95% interval of (signal − chance) excludes 0; a bear signal's edge is a lower long return than chance's.\n" +
      "Kỳ 1 không giao dịch được (T+2). Thiên lệch sống sót: danh sách mã hôm nay áp cho quá khứ, các mã đã hủy niêm yết bị thiếu.\n" +
      "Horizon 1 cannot be traded (T+2). Survivorship bias: today's symbol list applied to the past; delisted names are missing.",
  );
}

/** `vpa study --update`: brings the stored track record up to the newest bar. */
async function runUpdate(app: AppContext, json: boolean): Promise<number> {
  const summary = await updateTrackRecord(app.database.db);
  if (json) {
    console.log(JSON.stringify(summary));
    return EXIT.ok;
  }
  if (summary.asOf === null) {
    console.log("không có dữ liệu ngày / no daily bars: nothing to update");
    return EXIT.ok;
  }
  const n = (value: number) => value.toLocaleString("en-US");
  console.log(
    `hồ sơ đã lưu / stored track record as of ${summary.asOf}: ${n(summary.signalsTaken)} tín hiệu mới / new signals, ` +
      `${n(summary.becameFinal)} kết quả hoàn tất / outcomes final, ${n(summary.chanceSettled)} điểm ngẫu nhiên hoàn tất / chance entries final, ` +
      `${n(summary.rowsWritten)} dòng ghi / rows written (${n(summary.stocks)} mã/stocks)`,
  );
  if (summary.unknownTypes.length > 0)
    console.log(`bỏ qua loại không rõ / skipped unknown signal types: ${summary.unknownTypes.join(", ")}`);
  return EXIT.ok;
}

export async function runStudy(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("study", args);
  if (positionals.length > 0) throw new UsageError(`study: unexpected ${positionals.join(" ")}`);
  if (values.update === true) return runUpdate(app, values.json === true);
  const from = isoDate("from", values.from);
  const to = isoDate("to", values.to);
  if (from !== undefined && to !== undefined && to < from)
    throw new UsageError(`study: --to ${to} is before --from ${from}`);
  const horizon = parseInteger("study", "horizon", values.horizon, 1, 60) ?? 5;
  const seed = parseInteger("study", "seed", values.seed, 0, 2 ** 32 - 1) ?? DEFAULT_TRACK_RECORD_SEED;
  const brokerageRate = parseRate(values.brokerage) ?? market.DEFAULT_BROKERAGE_RATE;
  const horizons = [...new Set([1, 5, 10, 20, horizon])].sort((a, b) => a - b);
  const symbolsOption = values.symbols?.trim().toUpperCase() ?? "ALL";
  const requested =
    symbolsOption === "ALL"
      ? null
      : symbolsOption === "VN30"
        ? [...VN30_SYMBOLS]
        : (parseList(symbolsOption) ?? []);
  if (requested !== null && requested.length === 0) throw new UsageError("study: --symbols lists no symbol");

  // Read-only (computed in memory): the read replica when DATABASE_READ_URL is set. `--update`
  // writes the stored track record, on the primary.
  const db = app.readDatabase.db;
  const available = await listBacktestSymbols(db, requested, "1D");
  const inputs: TrackRecordInput[] = [];
  // The whole history before `to`: the analyser's warm-up, and the first session a chance entry
  // may fall on, are counted from each stock's first bar, as in the stored track record.
  for (let start = 0; start < available.length; start += LOAD_BATCH) {
    const batch = available.slice(start, start + LOAD_BATCH);
    const rows = await loadBacktestBars(db, {
      symbols: batch.map((s) => s.symbol),
      timeframe: "1D",
      from: "1900-01-01",
      to: to ?? "9999-12-31",
    });
    for (const row of rows) {
      const columns = {
        time: row.time,
        open: Float64Array.from(row.open),
        high: Float64Array.from(row.high),
        low: Float64Array.from(row.low),
        close: Float64Array.from(row.close),
        volume: Float64Array.from(row.volume),
      };
      const signals = analyzeColumns(row.symbol, columns).filter(
        (r): r is SignalRecord => r.kind === "signal",
      );
      inputs.push({ symbol: row.symbol, exchange: row.exchange, columns, signals });
    }
  }
  const found = new Set(inputs.map((i) => i.symbol));
  const missing = (requested ?? []).filter((s) => !found.has(s));
  if (inputs.length === 0) {
    console.error(
      `vpa study: no daily bars${requested === null ? "" : ` for ${requested.join(", ")}`}: import some first (vpa import)`,
    );
    return EXIT.failure;
  }
  const record = computeTrackRecord(inputs, { seed, horizons, brokerageRate, from, to });
  const universe = requested === null ? "ALL" : symbolsOption === "VN30" ? "VN30" : requested.join(",");
  if (values.report !== undefined) {
    await writeFile(values.report, renderStudyReportHtml({ record, universe, missing, horizon }));
  }
  if (values.json === true) {
    console.log(JSON.stringify({ universe, missing, horizon, ...record }));
  } else {
    printStudy(record, horizon, universe, missing);
    if (values.report !== undefined) console.log(`\nbáo cáo / report: ${values.report}`);
  }
  return EXIT.ok;
}
