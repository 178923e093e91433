/**
 * `vpa`: a thin router. It reads the command line against the command registry, prints help and
 * usage errors from it, and only then loads the one command's module (`await import`), the
 * configuration and the connections that command needs: `vpa help` loads no client library,
 * `vpa status` no backtest engine, and a worker only its own kind (worker-process.ts).
 */
import type { Config } from "@vpa/runtime";
import type { AppContext } from "./app-context.ts";
import { EXIT, UsageError } from "./cli-error.ts";
import { formatCommandHelp, formatCommandList, formatUsageLine } from "./command-help.ts";
import { COMMAND_NAMES, type CommandName, resolveCommand } from "./command-registry.ts";
import { asksForHelp, checkCommandLine } from "./parse-options.ts";
import { didYouMean } from "./suggest-similar.ts";

/** How long a command keeps trying to reach Redis before it fails (see AppContext). */
const REDIS_FAIL_FAST_MS = 3_000;

/** What a command asks main to open; main closes it after the command. */
interface Opener {
  config(): Promise<Config>;
  app(): Promise<AppContext>;
}

type Runner = (args: readonly string[], open: Opener) => Promise<number>;

/** Each command's code, imported when that command runs. */
const RUNNERS: { readonly [N in CommandName]: Runner } = {
  demo: async (args, open) => (await import("./commands/demo.ts")).runDemo(await open.config(), args),
  services: async (args, open) =>
    (await import("./commands/services.ts")).runServices(await open.config(), args),
  status: async (args, open) => (await import("./commands/status.ts")).runStatus(await open.app(), args),
  migrate: async (_args, open) => (await import("./commands/migrate.ts")).runMigrate(await open.app()),
  import: async (args, open) => (await import("./commands/import.ts")).runImport(await open.app(), args),
  fetch: async (args, open) => (await import("./commands/fetch.ts")).runFetch(await open.app(), args),
  analyze: async (args) => (await import("./commands/analyze.ts")).runAnalyze(args),
  scan: async (args, open) => (await import("./commands/scan.ts")).runScan(await open.app(), args),
  worker: async (args, open) =>
    (await import("./worker-process.ts")).runWorkerProcess(await open.app(), args[0] ?? ""),
  signals: async (args, open) => (await import("./commands/signals.ts")).runSignals(await open.app(), args),
  alerts: async (args, open) => (await import("./commands/alerts.ts")).runAlerts(await open.app(), args),
  "alerts retry": async (args, open) =>
    (await import("./commands/alerts.ts")).runAlertsRetry(await open.app(), args),
  backtest: async (args, open) =>
    (await import("./commands/backtest.ts")).runBacktest(await open.app(), args),
  portfolio: async (args, open) =>
    (await import("./commands/portfolio.ts")).runPortfolio(await open.app(), args),
  apikey: async (args, open) => (await import("./commands/apikey.ts")).runApiKey(await open.app(), args),
  study: async (args, open) => (await import("./commands/study.ts")).runStudy(await open.app(), args),
  subscribe: async (args, open) =>
    (await import("./commands/subscribe.ts")).runSubscribe(await open.app(), args),
  unsubscribe: async (args, open) =>
    (await import("./commands/subscribe.ts")).runUnsubscribe(await open.app(), args),
  subscribers: async (args, open) =>
    (await import("./commands/subscribers.ts")).runSubscribers(await open.app(), args),
  backup: async (args, open) => (await import("./commands/backup.ts")).runBackup(await open.app(), args),
  restore: async (args, open) => (await import("./commands/backup.ts")).runRestore(await open.app(), args),
  maintain: async (args, open) =>
    (await import("./commands/maintain.ts")).runMaintain(await open.app(), args),
  test: async () => {
    throw new UsageError(
      "test: run the suite as ./vpa test [vitest args]: it starts the services, then vitest",
    );
  },
};

/**
 * The environment a command reads its configuration from. A worker logs as configured. Other
 * commands log warnings only, to stderr, and on a terminal nothing at all: they report what went
 * wrong in a sentence of their own, and JSON log lines between them would only hide it. LOG_LEVEL
 * (or VPA_DEBUG=1) brings the log back.
 */
function environmentFor(command: CommandName): NodeJS.ProcessEnv {
  if (command === "worker" || process.env.LOG_LEVEL !== undefined) return process.env;
  const quiet = process.stderr.isTTY === true && process.env.VPA_DEBUG !== "1";
  return { ...process.env, LOG_LEVEL: quiet ? "silent" : "warn" };
}

/** The command being run, once known: a usage error prints its usage line. */
let current: CommandName | undefined;

async function main(argv: readonly string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    const topic = argv.slice(1);
    if (first === "help" && topic.length > 0) {
      const named = resolveCommand(topic);
      if (named === undefined || named.args.length > 0) throw unknownCommand(topic.join(" "));
      console.log(formatCommandHelp(named.name));
      return EXIT.ok;
    }
    console.log(formatCommandList());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const resolved = resolveCommand(argv);
  if (resolved === undefined) throw unknownCommand(first);
  const { name, args } = resolved;
  current = name;
  if (asksForHelp(args)) {
    console.log(formatCommandHelp(name));
    return EXIT.ok;
  }
  if (name !== "test") checkCommandLine(name, args);

  let config: Config | undefined;
  let app: AppContext | undefined;
  const open: Opener = {
    async config() {
      config ??= (await import("@vpa/runtime")).loadConfig(environmentFor(name));
      return config;
    },
    async app() {
      if (app !== undefined) return app;
      const loaded = await open.config();
      const { AppContext } = await import("./app-context.ts");
      app = new AppContext(loaded, {
        logDestination: name === "worker" ? "stdout" : "stderr",
        processMetrics: name === "worker",
        // A command gives up on Redis after this long instead of waiting for it; a worker reconnects
        // forever (it checks both services once at start: runWorkerProcess).
        ...(name === "worker" ? {} : { redisFailFastMs: REDIS_FAIL_FAST_MS }),
      });
      // Traces (OTEL_EXPORTER_OTLP_ENDPOINT) before any queue opens; a worker is named by its kind.
      await app.startTracing(name === "worker" ? (args[0] ?? name) : name);
      return app;
    },
  };
  try {
    return await RUNNERS[name](args, open);
  } catch (error) {
    // Redis or PostgreSQL away, refusing the password, or the database missing: one line that says
    // which, where, and what to do, instead of a client library's message.
    throw app?.describeServiceFailure(error) ?? error;
  } finally {
    await app?.close();
  }
}

function unknownCommand(typed: string): UsageError {
  return new UsageError(`unknown command ${JSON.stringify(typed)}${didYouMean(typed, COMMAND_NAMES)}`);
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => report(error),
  )
  .finally(() => {
    // Everything is closed and the outcome printed. Should a client library still hold a socket or
    // a reconnect timer, waiting for it would only look like a hang: exit soon regardless.
    setTimeout(() => process.exit(), 2_000).unref();
  });

/**
 * Prints why the command failed, in one line when it can, and sets the exit code. A usage error
 * gets the command's usage line (or, for an unknown command, where the list is), not every command.
 */
async function report(error: unknown): Promise<void> {
  if (error instanceof UsageError) {
    const hint =
      current === undefined
        ? "the commands: vpa help"
        : `usage: ${formatUsageLine(current)}\nmore: vpa ${current} --help`;
    console.error(`vpa${current === undefined ? ":" : ""} ${error.message}\n${hint}`);
    process.exitCode = EXIT.usage;
    return;
  }
  const { ConfigError, ServiceUnavailableError } = await import("@vpa/runtime");
  if (error instanceof ConfigError) {
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
