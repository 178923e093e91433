import { createStreamingAnalyzer, type StreamingAnalyzer, type VpaRecord } from "@vpa/core";
import { findPriceJump, normalizeMarketSymbol } from "@vpa/market-data";
import { listBarFiles, readBarFile, validateBarRow } from "@vpa/scanner";
import { UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";
import { todayInVietnam } from "./import.ts";

/**
 * Reads the file once, feeding each symbol's streaming analyzer bar by bar, so a multi-symbol file
 * of millions of rows needs memory only for one analyzer state per symbol. A row that is invalid
 * (the importer's rules), not newer than the symbol's previous bar, or 100× or more away from the
 * previous bar's close (the importer's price-jump rule within the file) is skipped and counted on
 * stderr.
 */
export async function runAnalyze(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("analyze", args);
  if (positionals.length !== 1) throw new UsageError("analyze: name exactly one bar file");
  const [path] = await listBarFiles(positionals[0] as string);
  if (path === undefined) throw new UsageError("analyze: no bar file found");
  const wanted = values.symbol === undefined ? undefined : normalizeMarketSymbol(values.symbol);
  if (wanted === null)
    throw new UsageError(`analyze: --symbol ${JSON.stringify(values.symbol)} is not a symbol`);
  const analyzers = new Map<string, { analyzer: StreamingAnalyzer; lastTime: string; lastClose: number }>();
  const today = todayInVietnam();
  const table: VpaRecord[] = [];
  let skipped = 0;
  for await (const row of readBarFile(path, { symbol: wanted })) {
    if (wanted !== undefined && normalizeMarketSymbol(row.symbol) !== wanted) continue;
    const result = validateBarRow(row, today);
    if (!result.ok) {
      skipped++;
      continue;
    }
    let entry = analyzers.get(result.symbol);
    if (entry === undefined) {
      entry = { analyzer: createStreamingAnalyzer(result.symbol), lastTime: "", lastClose: 0 };
      analyzers.set(result.symbol, entry);
    }
    if (result.bar.time <= entry.lastTime) {
      skipped++;
      continue;
    }
    if (entry.lastClose > 0 && findPriceJump(result.bar, entry.lastClose) !== null) {
      skipped++;
      continue;
    }
    entry.lastTime = result.bar.time;
    entry.lastClose = result.bar.close;
    for (const record of entry.analyzer.update(result.bar)) {
      if (values.json) process.stdout.write(`${JSON.stringify(record)}\n`);
      else table.push(record);
    }
  }
  if (skipped > 0) console.error(`skipped ${countOf(skipped, "invalid, out-of-order or 100×-jump row")}`);
  if (analyzers.size === 0) {
    console.error(wanted === undefined ? "no valid bars in the file" : `no bars of ${wanted} in the file`);
    return 1;
  }
  if (!values.json) {
    console.log(
      formatTable(
        ["time", "symbol", "record", "bias", "score", "conf", "priority", "vr", "sr", "cl", "trend"],
        table.map((r) =>
          r.kind === "signal"
            ? [
                r.time,
                r.symbol,
                r.variant === null ? r.type : `${r.type}/${r.variant}`,
                r.bias,
                r.score,
                r.confidence.toFixed(2),
                r.priority,
                r.features.vr.toFixed(2),
                r.features.sr.toFixed(2),
                r.features.cl.toFixed(2),
                r.features.trend,
              ]
            : [
                r.time,
                r.symbol,
                `${r.outcome} ${r.type} of ${r.refTime}`,
                r.bias,
                "",
                r.confidence.toFixed(2),
                "",
                "",
                "",
                "",
                "",
              ],
        ),
      ),
    );
    console.log(`${table.length} record(s) for ${analyzers.size} symbol(s)`);
  }
  return 0;
}
