import { ConfigError, loadConfig, ServiceUnavailableError } from "@vpa/runtime";
import { AppContext } from "./app-context.ts";
import { EXIT, UsageError } from "./cli-error.ts";
import { usage as alertsUsage, runAlerts } from "./commands/alerts.ts";
import { usage as analyzeUsage, runAnalyze } from "./commands/analyze.ts";
import { usage as backtestUsage, runBacktest } from "./commands/backtest.ts";
import { backupUsage, restoreUsage, runBackup, runRestore } from "./commands/backup.ts";
import { usage as demoUsage, runDemo } from "./commands/demo.ts";
import { usage as fetchUsage, runFetch } from "./commands/fetch.ts";
import { usage as importUsage, runImport } from "./commands/import.ts";
import { usage as migrateUsage, runMigrate } from "./commands/migrate.ts";
import { runScan, usage as scanUsage } from "./commands/scan.ts";
import { runServices, usage as servicesUsage } from "./commands/services.ts";
import { runSignals, usage as signalsUsage } from "./commands/signals.ts";
import { runStatus, usage as statusUsage } from "./commands/status.ts";
import { runStudy, usage as studyUsage } from "./commands/study.ts";
import { runSubscribe, runUnsubscribe, subscribeUsage, unsubscribeUsage } from "./commands/subscribe.ts";
import { runSubscribers, usage as subscribersUsage } from "./commands/subscribers.ts";
import { runWorkerProcess } from "./worker-process.ts";

const USAGE = `vpa — VPA market scanner and alerts for the Vietnamese stock market

usage:
  ${demoUsage}
  ${servicesUsage}
  ${migrateUsage}
  ${importUsage}
  ${analyzeUsage}
  ${fetchUsage}
  ${scanUsage}
  vpa worker scanner|alerts|backtest|stream  a long-lived worker (/health on HTTP_PORT, default 9464/9465/9466/9467)
  ${signalsUsage}
  ${alertsUsage}
  ${backtestUsage}
  ${studyUsage}
  ${statusUsage}
  ${subscribeUsage}
  ${unsubscribeUsage}
  ${subscribersUsage}
  ${backupUsage}
  ${restoreUsage}
  vpa test [vitest args]       run the whole test suite (starts the services it needs)

Configuration comes from environment variables; see README.md.`;

/** How long a command keeps trying to reach Redis before it fails (see AppContext). */
const REDIS_FAIL_FAST_MS = 3_000;

/** Interactive commands log warnings only (to stderr) unless LOG_LEVEL says otherwise. */
function environmentFor(command: string): NodeJS.ProcessEnv {
  if (command === "worker" || process.env.LOG_LEVEL !== undefined) return process.env;
  return { ...process.env, LOG_LEVEL: "warn" };
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === "analyze") return runAnalyze(args);
  const config = loadConfig(environmentFor(command));
  if (command === "services") return runServices(config, args);
  if (command === "demo") return runDemo(config, args);
  const app = new AppContext(config, {
    logDestination: command === "worker" ? "stdout" : "stderr",
    processMetrics: command === "worker",
    // A command gives up on Redis after this long instead of waiting for it; a worker reconnects
    // forever (it checks both services once at start: runWorkerProcess).
    ...(command === "worker" ? {} : { redisFailFastMs: REDIS_FAIL_FAST_MS }),
  });
  try {
    switch (command) {
      case "migrate":
        return await runMigrate(app);
      case "import":
        return await runImport(app, args);
      case "scan":
        return await runScan(app, args);
      case "signals":
        return await runSignals(app, args);
      case "subscribe":
        return await runSubscribe(app, args);
      case "unsubscribe":
        return await runUnsubscribe(app, args);
      case "subscribers":
        return await runSubscribers(app, args);
      case "status":
        return await runStatus(app, args);
      case "alerts":
        return await runAlerts(app, args);
      case "backtest":
        return await runBacktest(app, args);
      case "study":
        return await runStudy(app, args);
      case "fetch":
        return await runFetch(app, args);
      case "backup":
        return await runBackup(app, args);
      case "restore":
        return await runRestore(app, args);
      case "worker":
        return await runWorkerProcess(app, args[0] ?? "");
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    // Redis or PostgreSQL away, refusing the password, or the database missing: one line that says
    // which, where, and what to do, instead of a client library's message.
    throw app.describeServiceFailure(error) ?? error;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      report(error);
    },
  )
  .finally(() => {
    // Everything is closed and the outcome printed. Should a client library still hold a socket or
    // a reconnect timer, waiting for it would only look like a hang: exit soon regardless.
    setTimeout(() => process.exit(), 2_000).unref();
  });

/** Prints why the command failed, in one line when it can, and sets the exit code. */
function report(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(`vpa ${error.message}\n\n${USAGE}`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof ConfigError) {
    console.error(`vpa: ${error.message}`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof ServiceUnavailableError) {
    console.error(`vpa: ${error.message}`);
    if (process.env.VPA_DEBUG === "1") console.error(error);
    process.exitCode = EXIT.failure;
  } else {
    const code = (error as { code?: string }).code;
    console.error(
      `vpa: ${(error as Error).message ?? String(error)}${code === undefined ? "" : ` [${code}]`}`,
    );
    // 42P01 undefined_table: the database predates a migration.
    if (code === "42P01") console.error("vpa: the database schema is behind this version: run ./vpa migrate");
    if (process.env.VPA_DEBUG === "1") console.error(error);
    process.exitCode = EXIT.failure;
  }
}
