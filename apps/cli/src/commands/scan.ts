import { isTimeframe, type Timeframe } from "@vpa/db";
import { scanMarket } from "@vpa/scanner";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
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
  };
  if (!values.wait) {
    const plan = await scanMarket(app.database.db, app.queue("analyze"), {
      ...options,
      digestQueue: app.queue("digests"),
      chunkSize: app.config.scan.analyzeChunkSize,
    });
    report(values.json, { enqueued: plan.symbols.length, redone: plan.replaced, missing: plan.missing });
    return plan.missing.length > 0 ? 1 : 0;
  }
  // Waiting with nobody to do the work would hang: lend this process as a worker if none is running.
  const missingKinds: QueueWorkerKind[] = [];
  if ((await app.queue("analyze").queue.getWorkersCount()) === 0) missingKinds.push("scanner");
  if ((await app.queue("alerts").queue.getWorkersCount()) === 0) missingKinds.push("alerts");
  if (missingKinds.length > 0 && !values.json) {
    console.error(`no ${missingKinds.join("/")} worker running: processing in this process`);
  }
  const inline = await startWorkers(app, missingKinds);
  try {
    const result = await scanAndWait(app, {
      ...options,
      timeoutMs: (parseInteger("scan", "timeout", values.timeout, 1, 86_400) ?? 600) * 1000,
    });
    report(values.json, { ...result });
    return result.analyzeFailed.length + result.alertFailed.length + result.missing.length > 0 ? 1 : 0;
  } finally {
    await inline.close();
  }
}

function report(json: boolean | undefined, result: Record<string, unknown>): void {
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const [key, value] of Object.entries(result)) {
    const shown = Array.isArray(value)
      ? value.length === 0
        ? "none"
        : JSON.stringify(value)
      : String(value);
    console.log(`${key}: ${shown}`);
  }
}
