import { resolve } from "node:path";
import {
  ensureTestTools,
  type ServiceStatus,
  servicesDown,
  servicesStatus,
  servicesUp,
} from "@vpa/dev-services";
import type { Config } from "@vpa/runtime";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";

export function servicesOptions(config: Config, log: (line: string) => void = (line) => console.error(line)) {
  return {
    dataDir: resolve(config.dataDir),
    redisUrl: config.redisUrl,
    databaseUrl: config.databaseUrl,
    log,
  };
}

export function formatServices(statuses: readonly ServiceStatus[]): string {
  return formatTable(
    ["service", "url", "state", "origin", "pid", "detail"],
    statuses.map((s) => [s.name, s.url, s.reachable ? "up" : "down", s.origin, s.pid ?? "", s.detail ?? ""]),
  );
}

export async function runServices(config: Config, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("services", args);
  const [action, ...unknown] = positionals;
  const json = values.json === true;
  if (unknown.length > 0) throw new UsageError(`services: unexpected ${unknown.join(" ")}`);
  const testTools = values["test-tools"] === true;
  if (testTools && action !== "up") throw new UsageError("services: --test-tools goes with up");
  const options = servicesOptions(config);
  let statuses: ServiceStatus[];
  if (action === "up") {
    // Before the servers: a missing tool fails in one line, without waiting for a server to start.
    if (testTools) await ensureTestTools({ log: options.log });
    statuses = await servicesUp(options);
  } else if (action === "status") statuses = await servicesStatus(options);
  else if (action === "down") statuses = await servicesDown(options);
  else
    throw new UsageError(
      `services: expected up, status or down${action === undefined ? "" : ` (got ${action})`}`,
    );
  console.log(json ? JSON.stringify(statuses) : formatServices(statuses));
  return action === "status" || statuses.every((s) => s.reachable || action === "down") ? 0 : 1;
}
