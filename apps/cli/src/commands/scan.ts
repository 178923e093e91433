import { isTimeframe, type Timeframe } from "@vpa/db";
import { scanMarket } from "@vpa/scanner";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatScanPlan, formatScanReport } from "../format-scan-report.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";
import { scanAndWait } from "../scan-and-wait.ts";
import { type QueueWorkerKind, startWorkers } from "../worker-process.ts";

export async function runScan(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("scan", args);
  if (positionals.length > 0) throw new UsageError(`scan: unexpected ${positionals.join(" ")}`);
  const timeframe = values.timeframe ?? app.config.scan.timeframe;
  if (!isTimeframe(timeframe)) throw new UsageError(`scan: unknown --timeframe ${timeframe}`);
  const options = {
    timeframe: timeframe as Timeframe,
    symbols: parseList(values.symbols),
    lookbackDays: parseInteger("scan", "lookback-days", values["lookback-days"], 0, 36_500),
    force: values.force === true,
    alert: values["no-alerts"] !== true,
  };
  if (!values.wait) {
    const plan = await scanMarket(app.database.db, app.queue("analyze"), {
      ...options,
      digestQueue: app.queue("digests"),
      chunkSize: app.config.scan.analyzeChunkSize,
    });
    const summary = { enqueued: plan.symbols.length, redone: plan.replaced, missing: plan.missing };
    console.log(values.json ? JSON.stringify(summary) : formatScanPlan(summary, options));
    // Queued work nobody takes would look done: say so (the scan's jobs wait for a worker).
    if (
      !values.json &&
      plan.jobIds.length > 0 &&
      (await app.queue("analyze").queue.getWorkersCount()) === 0
    ) {
      console.error("no scanner worker is running: start one (vpa worker scanner), or scan with --wait");
    }
    return plan.missing.length > 0 ? 1 : 0;
  }
  // Waiting with nobody to do the work would hang: lend this process as a worker if none is running.
  const missingKinds: QueueWorkerKind[] = [];
  if ((await app.queue("analyze").queue.getWorkersCount()) === 0) missingKinds.push("scanner");
  if (options.alert && (await app.queue("alerts").queue.getWorkersCount()) === 0) missingKinds.push("alerts");
  if (missingKinds.length > 0 && !values.json) {
    console.error(`no ${missingKinds.join("/")} worker running: processing in this process`);
  }
  const inline = await startWorkers(app, missingKinds);
  try {
    const result = await scanAndWait(app, {
      ...options,
      timeoutMs: (parseInteger("scan", "timeout", values.timeout, 1, 86_400) ?? 600) * 1000,
    });
    console.log(values.json ? JSON.stringify(result) : formatScanReport(result, options));
    return result.analyzeFailed.length + result.alertFailed.length + result.missing.length > 0 ? 1 : 0;
  } finally {
    await inline.close();
  }
}
