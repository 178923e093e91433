/**
 * Runs chosen scenarios against one set of services and one data set: the template database is
 * prepared once, each scenario clones it. Used by run.ts (on demand) and by the CI smoke test.
 */
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropDatabase, prepareTemplateDatabase } from "./chaos-dataset.ts";
import type { ChaosServices } from "./chaos-services.ts";
import { type ChaosSizes, runScenario, type ScenarioResult } from "./run-scenario.ts";
import { SCENARIOS } from "./scenarios.ts";

/** The sizes run.ts uses unless told otherwise. */
export const DEFAULT_SIZES: ChaosSizes = {
  dataset: "fixtures",
  symbols: 300,
  chats: 40,
  groups: 6,
  lookbackDays: 60,
  seed: 1,
  kills: 10,
  terms: 1,
  alertWorkers: 2,
  pgDownSeconds: 60,
  redisDownSeconds: 5,
  drainTimeoutSeconds: 600,
  quietSeconds: 30,
};

export interface ChaosSuiteOptions {
  readonly scenarios: readonly string[];
  readonly services: ChaosServices;
  /** The services are the suite's own (private): Redis is flushed between scenarios. */
  readonly ownsServices: boolean;
  readonly sizes: ChaosSizes;
  /** Where worker logs go; default a fresh directory under /tmp. */
  readonly runDir?: string;
  readonly keepDatabases?: boolean;
  readonly log: (line: string) => void;
}

export async function runChaosSuite(options: ChaosSuiteOptions): Promise<ScenarioResult[]> {
  const unknown = options.scenarios.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(", ")} (known: ${SCENARIOS.map((scenario) => scenario.name).join(", ")})`,
    );
  }
  const runDir =
    options.runDir ?? join(tmpdir(), `vpa-chaos-run-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await mkdir(runDir, { recursive: true });
  options.log(`worker logs: ${runDir}/<scenario>/<worker>.log`);
  const template = `vpa_chaos_template_${randomBytes(3).toString("hex")}`;
  const serverUrl = options.services.postgresServerUrl;
  const dataset = await prepareTemplateDatabase(
    serverUrl,
    template,
    options.sizes,
    join(runDir, "data"),
    options.log,
  );
  const results: ScenarioResult[] = [];
  try {
    for (const name of options.scenarios) {
      const definition = SCENARIOS.find((scenario) => scenario.name === name)!;
      if (definition.breaksServices && !options.services.breakable) {
        options.log(`\n== ${name}: skipped (it breaks Redis/PostgreSQL, and these are not the suite's own)`);
        continue;
      }
      results.push(
        await runScenario(definition, {
          services: options.services,
          templateDatabase: template,
          chats: dataset.chats,
          sizes: options.sizes,
          runDir,
          ownsRedis: options.ownsServices,
          keepDatabase: options.keepDatabases ?? false,
          log: options.log,
        }),
      );
    }
  } finally {
    if (!options.keepDatabases) await dropDatabase(serverUrl, template).catch(() => {});
  }
  return results;
}
