import { dirname, resolve } from "node:path";
import { countDeliveries, listLatestBars, listSignals, migrateToLatest, subscribe } from "@vpa/db";
import { servicesUp } from "@vpa/dev-services";
import { type Config, findUpward } from "@vpa/runtime";
import { importBars, importStockMetadata, updateTrackRecord } from "@vpa/scanner";
import { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { formatSignalsTable } from "../format-signals.ts";
import { formatTable } from "../format-table.ts";
import { parseInteger, parseOptions } from "../parse-options.ts";
import { scanAndWait } from "../scan-and-wait.ts";
import { type RunningWorkers, startWorkers } from "../worker-process.ts";
import { todayInVietnam } from "./import.ts";
import { formatServices, servicesOptions } from "./services.ts";

/** The repo's `fixtures/`, from the source or the bundled image (`/app/dist` → `/app/fixtures`). */
const FIXTURES = dirname(findUpward(import.meta.dirname, "fixtures/vn30-symbols.csv"));
export const DEMO_BARS = resolve(FIXTURES, "vn30-daily-2018-2021.csv.gz");
export const DEMO_STOCKS = resolve(FIXTURES, "vn30-symbols.csv");
/** The VN30 index, 2018-01-02 → 2021-12-31: stored as an index, the backtests' benchmark. */
export const DEMO_INDEX = resolve(FIXTURES, "vn30-index-daily-2018-2021.csv");

/**
 * The main job, end to end: services → migrations → bundled real bars of the VN30 names → a demo
 * subscriber → scanner and alert workers → the whole history's signals stored without alerts and
 * the track record brought up to them (every alert's evidence line) → a scan of the newest bars
 * (plus a look-back window so there is something to alert) → wait for every job → summary.
 * Idempotent: a second run finds everything stored and delivered, sends nothing, and says so.
 */
export async function runDemo(config: Config, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("demo", args);
  if (positionals.length > 0) throw new UsageError(`demo: unexpected ${positionals.join(" ")}`);
  const lookbackDays = parseInteger("demo", "lookback-days", values["lookback-days"], 0, 3650) ?? 30;
  const minScore = parseInteger("demo", "min-score", values["min-score"], 0, 100) ?? 60;
  const started = performance.now();
  const startedAt = new Date();
  const step = (text: string) => console.log(`\n▸ ${text}`);

  step("services");
  console.log(formatServices(await servicesUp(servicesOptions(config, (line) => console.log(`  ${line}`)))));

  const app = new AppContext(config, { logDestination: "stderr" });
  const workers: RunningWorkers[] = [];
  try {
    await app.startTracing("demo");
    step("migrations");
    const { applied } = await migrateToLatest(app.database.db);
    console.log(applied.length === 0 ? "  schema up to date" : `  applied ${applied.join(", ")}`);

    step(`import ${DEMO_BARS.replace(`${process.cwd()}/`, "")}`);
    await importStockMetadata(app.database.db, DEMO_STOCKS);
    const imported = await importBars(app.database.db, [DEMO_BARS], { todayLocal: todayInVietnam() });
    console.log(
      `  ${countOf(imported.barsAccepted, "daily bar")} of ${countOf(imported.symbols, "symbol")} ` +
        `(${imported.barsWritten.toLocaleString("en-US")} new), ${imported.rejectedTotal} rejected`,
    );
    const index = await importBars(app.database.db, [DEMO_INDEX], {
      todayLocal: todayInVietnam(),
      asIndex: true,
    });
    console.log(
      `  ${index.barsAccepted.toLocaleString("en-US")} daily closes of the ${index.indices.join(", ")} index ` +
        `(${index.barsWritten.toLocaleString("en-US")} new): the backtests' benchmark, never scanned`,
    );

    step("subscribers");
    const recipients: { channel: "console" | "email" | "telegram"; address: string }[] = [
      { channel: "console", address: "demo" },
    ];
    // Email when SMTP_URL is set: to DEMO_EMAIL_TO, else to the sender's own address.
    const emailTo = config.demo.emailTo ?? addressOf(config.alerts.emailFrom);
    if (config.smtpUrl !== null && emailTo !== null) recipients.push({ channel: "email", address: emailTo });
    if (config.demo.telegramChatId !== null && config.telegram.botToken !== null) {
      recipients.push({ channel: "telegram", address: config.demo.telegramChatId });
    }
    for (const { channel, address } of recipients) {
      await subscribe(app.database.db, { channel, address, name: "demo", minScore });
      console.log(`  ${channel}: ${address} (signals scoring ${minScore}+)`);
    }
    if (recipients.length === 1) {
      console.log(
        "  (set SMTP_URL [+ DEMO_EMAIL_TO], or TELEGRAM_BOT_TOKEN + DEMO_TELEGRAM_CHAT_ID, to add those channels)",
      );
    }

    // Every alert's evidence line reads the stored track record: give it the bundled history first.
    step("track record: every signal of the bundled history, traded and set against chance");
    workers.push(await startWorkers(app, ["scanner"]));
    const history = await scanAndWait(app, {
      timeframe: "1D",
      lookbackDays: 36_500,
      alert: false,
      timeoutMs: 120_000,
    });
    const record = await updateTrackRecord(app.database.db);
    const analysed = history.symbols - history.alreadyScanned;
    const stored =
      analysed === 0
        ? `the history of ${countOf(history.symbols, "symbol")} was stored by an earlier run`
        : `${countOf(history.signalsInWindow, "signal")} of ${countOf(analysed, "symbol")} stored, nobody alerted`;
    const updated =
      record.signalsTaken === 0 && record.becameFinal === 0
        ? "track record up to date"
        : `track record: ${countOf(record.becameFinal, "outcome")} newly final`;
    console.log(`  ${stored}; ${updated}${record.asOf === null ? "" : ` (as of ${record.asOf})`}`);
    console.log("  each alert below says how signals like it have done (./vpa study: the whole table)");

    step(`scan: newest bar of every symbol, storing and alerting signals of the last ${lookbackDays} days`);
    // Started after the update: a worker reads the track record when it starts, then every few seconds.
    workers.push(await startWorkers(app, ["alerts"]));
    const report = await scanAndWait(app, { timeframe: "1D", lookbackDays, timeoutMs: 120_000 });

    step("summary");
    const latest = await listLatestBars(app.database.db, "1D");
    const windowStart = new Map(
      latest.map((l) => [
        l.symbol,
        new Date(Date.parse(`${l.time}T00:00:00Z`) - lookbackDays * 86_400_000).toISOString().slice(0, 10),
      ]),
    );
    const earliest = [...windowStart.values()].sort()[0];
    const signals = (
      await listSignals(app.database.db, { timeframe: "1D", since: earliest, limit: 100_000 })
    ).filter((s) => s.time >= (windowStart.get(s.symbol) ?? "9999"));
    const byType = new Map<string, number>();
    for (const s of signals) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
    const deliveries = await countDeliveries(app.database.db, startedAt);
    const sentNow = deliveries.filter((d) => d.status === "sent").reduce((sum, d) => sum + d.count, 0);
    const seconds = (performance.now() - started) / 1000;

    const newSignals = signals.filter((s) => s.createdAt >= startedAt).length;
    console.log(
      `  symbols scanned     ${report.symbols}` +
        (report.alreadyScanned > 0
          ? ` (${report.alreadyScanned} already analysed at this bar by an earlier run)`
          : ""),
    );
    console.log(`  signals in window   ${signals.length} (${newSignals} new in this run)`);
    console.log(
      formatTable(
        ["    signal", "count"],
        [...byType].sort((a, b) => b[1] - a[1]).map(([type, count]) => [`    ${type}`, count]),
      ),
    );
    console.log(`  alerts delivered    ${sentNow} in this run`);
    if (deliveries.length > 0) {
      console.log(
        formatTable(
          ["    channel", "priority", "status", "count"],
          deliveries.map((d) => [`    ${d.channel}`, d.priority, d.status, d.count]),
        ),
      );
    }
    if (newSignals === 0 && sentNow === 0) {
      console.log(
        "  nothing new: every signal was stored and alerted by an earlier run, and nothing was sent twice",
      );
    }
    const failures = report.analyzeFailed.length + report.alertFailed.length;
    if (failures > 0)
      console.log(`  FAILED jobs: ${JSON.stringify([...report.analyzeFailed, ...report.alertFailed])}`);
    console.log(
      `  elapsed             ${seconds.toFixed(1)} s (scan ${report.scanSeconds.toFixed(2)} s, alerts ${report.alertSeconds.toFixed(2)} s)`,
    );
    const top = [...signals].sort((a, b) => b.score - a.score || b.time.localeCompare(a.time)).slice(0, 10);
    if (top.length > 0) {
      console.log("\n  top signals");
      console.log(formatSignalsTable(top, "    "));
    }
    console.log(
      "\n  query them: ./vpa signals --since 2021-06-01 (or --json); DATABASE_URL:",
      redactUrl(config.databaseUrl),
    );
    return failures > 0 ? 1 : 0;
  } finally {
    for (const running of workers.reverse()) await running.close();
    await app.close();
  }
}

/** `VPA Alerts <alerts@example.com>` → `alerts@example.com`; null if there is no address in it. */
function addressOf(mailbox: string): string | null {
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(mailbox) ?? /^([^<>\s]+@[^<>\s]+)$/.exec(mailbox.trim());
  return match?.[1] ?? null;
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}
