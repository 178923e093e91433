/**
 * The chaos suite, on demand (not in CI's time budget; the CI smoke test is
 * apps/alerts/test/chaos-smoke.int.test.ts). See README.md.
 *
 *   PATH=$PWD/node_modules/.bin:$PATH node bench/chaos/run.ts --all
 *   PATH=$PWD/node_modules/.bin:$PATH node bench/chaos/run.ts --scenario kill-alerts --chats 20 --lookback-days 30
 *
 * Exit code 0 when every scenario run passed, 1 otherwise, 2 for a bad command line.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatScenarioDetail, formatSummaryTable } from "./chaos-report.ts";
import { type ChaosServices, startPrivateServices, useExistingServices } from "./chaos-services.ts";
import { DEFAULT_SIZES, runChaosSuite } from "./chaos-suite.ts";
import type { ChaosSizes } from "./run-scenario.ts";
import { FULL_SUITE, SCENARIOS } from "./scenarios.ts";

const USAGE = `usage: node bench/chaos/run.ts (--all | --scenario NAME[,NAME...]) [options]

scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(", ")} (--all: ${FULL_SUITE.join(", ")})

  --dataset fixtures|shared|PATH  bars to import (default ${DEFAULT_SIZES.dataset}: the bundled VN30; shared: ../shared/data, 1,681 symbols)
  --symbols N            at most N symbols of the data set (default ${DEFAULT_SIZES.symbols})
  --chats N              Telegram chats subscribed (default ${DEFAULT_SIZES.chats}), of which --groups N are groups (default ${DEFAULT_SIZES.groups})
  --lookback-days N      vpa scan --lookback-days (default ${DEFAULT_SIZES.lookbackDays})
  --seed N               subscriptions and fault timing (default ${DEFAULT_SIZES.seed})
  --kills N              kill -9 per kill scenario (default ${DEFAULT_SIZES.kills})
  --terms N              SIGTERMs in sigterm (default ${DEFAULT_SIZES.terms})
  --alert-workers N      alert worker processes (default ${DEFAULT_SIZES.alertWorkers})
  --pg-down-seconds N    (default ${DEFAULT_SIZES.pgDownSeconds})
  --redis-down-seconds N (default ${DEFAULT_SIZES.redisDownSeconds})
  --drain-timeout N      bound per scenario in seconds (default ${DEFAULT_SIZES.drainTimeoutSeconds})
  --quiet-seconds N      stop waiting when nothing moved this long after the faults (default ${DEFAULT_SIZES.quietSeconds})
  --services private|existing  private (default): Redis and PostgreSQL of its own under /tmp;
                         existing: REDIS_URL and DATABASE_URL's server (scenarios that break them are skipped)
  --json [FILE]          the results as JSON on stdout (or into FILE); the report goes to stderr
  --keep                 keep the databases and the private services' directory`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} takes a whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

function parseCommandLine() {
  return parseArgs({
    options: {
      all: { type: "boolean" },
      scenario: { type: "string", multiple: true },
      dataset: { type: "string" },
      symbols: { type: "string" },
      chats: { type: "string" },
      groups: { type: "string" },
      "lookback-days": { type: "string" },
      seed: { type: "string" },
      kills: { type: "string" },
      terms: { type: "string" },
      "alert-workers": { type: "string" },
      "pg-down-seconds": { type: "string" },
      "redis-down-seconds": { type: "string" },
      "drain-timeout": { type: "string" },
      "quiet-seconds": { type: "string" },
      services: { type: "string" },
      json: { type: "boolean" },
      keep: { type: "boolean" },
      help: { type: "boolean" },
    },
    allowPositionals: true,
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  let sizes: ChaosSizes;
  let scenarios: string[];
  let jsonFile: string | undefined;
  try {
    parsed = parseCommandLine();
    const { values, positionals } = parsed;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    // `--json FILE`: the only positional allowed is the file right after --json.
    if (positionals.length > 1 || (positionals.length === 1 && !values.json))
      throw new Error(`unexpected ${positionals.join(" ")}`);
    jsonFile = positionals[0];
    scenarios = values.all
      ? [...FULL_SUITE]
      : (values.scenario ?? []).flatMap((list) => list.split(",")).filter((name) => name !== "");
    if (scenarios.length === 0) throw new Error("give --all or --scenario NAME");
    const known = SCENARIOS.map((scenario) => scenario.name);
    const unknown = scenarios.filter((name) => !known.includes(name));
    if (unknown.length > 0)
      throw new Error(`unknown scenario ${unknown.join(", ")} (known: ${known.join(", ")})`);
    if (values.services !== undefined && values.services !== "private" && values.services !== "existing") {
      throw new Error("--services takes private or existing");
    }
    sizes = {
      dataset: values.dataset ?? DEFAULT_SIZES.dataset,
      symbols: integer("symbols", values.symbols, DEFAULT_SIZES.symbols),
      chats: integer("chats", values.chats, DEFAULT_SIZES.chats),
      groups: integer("groups", values.groups, DEFAULT_SIZES.groups),
      lookbackDays: integer("lookback-days", values["lookback-days"], DEFAULT_SIZES.lookbackDays),
      seed: integer("seed", values.seed, DEFAULT_SIZES.seed),
      kills: integer("kills", values.kills, DEFAULT_SIZES.kills),
      terms: integer("terms", values.terms, DEFAULT_SIZES.terms),
      alertWorkers: Math.max(
        1,
        integer("alert-workers", values["alert-workers"], DEFAULT_SIZES.alertWorkers),
      ),
      pgDownSeconds: integer("pg-down-seconds", values["pg-down-seconds"], DEFAULT_SIZES.pgDownSeconds),
      redisDownSeconds: integer(
        "redis-down-seconds",
        values["redis-down-seconds"],
        DEFAULT_SIZES.redisDownSeconds,
      ),
      drainTimeoutSeconds: integer(
        "drain-timeout",
        values["drain-timeout"],
        DEFAULT_SIZES.drainTimeoutSeconds,
      ),
      quietSeconds: integer("quiet-seconds", values["quiet-seconds"], DEFAULT_SIZES.quietSeconds),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => console.error(line);
  const { values } = parsed;
  const existing = values.services === "existing";
  const services: ChaosServices = existing
    ? useExistingServices(
        process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
      )
    : await startPrivateServices({ keep: values.keep === true, log });
  let closing = false;
  const closeServices = async () => {
    if (closing) return;
    closing = true;
    await services.close();
  };
  // Ctrl-C: the private Redis runs detached; do not leave it (nor PostgreSQL) behind.
  process.once("SIGINT", () => {
    log("interrupted: stopping the private services");
    void closeServices().finally(() => process.exit(130));
  });
  try {
    const results = await runChaosSuite({
      scenarios,
      services,
      ownsServices: !existing,
      sizes,
      keepDatabases: values.keep === true,
      log,
    });
    log(`\nsizes: ${JSON.stringify(sizes)}\n`);
    log(formatSummaryTable(results));
    log("");
    for (const result of results) log(`${formatScenarioDetail(result)}\n`);
    if (values.json) {
      const text = JSON.stringify({ sizes, results }, null, 2);
      if (jsonFile === undefined) console.log(text);
      else await writeFile(jsonFile, `${text}\n`);
    }
    return results.every((result) => result.pass) ? 0 : 1;
  } finally {
    await closeServices();
  }
}

process.exitCode = await main();
