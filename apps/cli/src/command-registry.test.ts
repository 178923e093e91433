import { RANK_METRICS } from "@vpa/backtest";
import { OPTIMIZE_METRICS } from "@vpa/core";
import {
  API_KEY_ROLES,
  DELIVERY_STATUSES,
  REQUEUEABLE_STATUSES,
  SUBSCRIBER_LANGUAGES,
  TIMEFRAMES,
} from "@vpa/db";
import { PROVIDER_NAMES } from "@vpa/market-data";
import { BAR_FILE_FORMATS, PRICE_UNITS } from "@vpa/scanner";
import { describe, expect, it } from "vitest";
import { formatCommandHelp, formatCommandList, formatUsageLine } from "./command-help.ts";
import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
  resolveCommand,
} from "./command-registry.ts";
import { WORKER_KINDS } from "./worker-process.ts";

function spec(name: CommandName): CommandSpec {
  return COMMANDS[name];
}

function optionsOf(name: CommandName): [string, OptionSpec][] {
  return Object.entries(spec(name).options);
}

describe("the command registry", () => {
  it("lists, as each option's choices, the values the command checks against", () => {
    const choices = (name: CommandName, option: string) =>
      (spec(name).options as Readonly<Record<string, OptionSpec>>)[option]?.choices;
    for (const name of ["import", "fetch", "scan", "signals"] as const) {
      expect(choices(name, "timeframe"), name).toEqual(TIMEFRAMES);
    }
    expect(choices("import", "format")).toEqual(BAR_FILE_FORMATS);
    expect(choices("import", "price-unit")).toEqual(PRICE_UNITS);
    expect(choices("fetch", "provider")).toEqual(PROVIDER_NAMES);
    expect(choices("alerts", "status")).toEqual(DELIVERY_STATUSES);
    expect(choices("alerts retry", "status")).toEqual(REQUEUEABLE_STATUSES);
    expect(choices("subscribe", "lang")).toEqual(SUBSCRIBER_LANGUAGES);
    expect(choices("apikey", "role")).toEqual(API_KEY_ROLES);
    expect(choices("backtest", "rank-by")).toEqual(RANK_METRICS);
    expect(choices("backtest", "optimize")).toEqual(OPTIMIZE_METRICS);
    expect(spec("worker").actions).toEqual(WORKER_KINDS);
  });

  it("says of every --json whether it prints JSON Lines or one document, in the help too", () => {
    const lines = COMMAND_NAMES.filter((name) =>
      optionsOf(name).some(([o, c]) => o === "json" && c.output === "lines"),
    );
    expect(lines).toEqual(["analyze", "signals"]);
    for (const name of COMMAND_NAMES) {
      const json = optionsOf(name).find(([option]) => option === "json")?.[1];
      if (json === undefined) continue;
      expect(json.output, name).toBeDefined();
      expect(formatCommandHelp(name)).toMatch(
        json.output === "lines" ? /--json +print JSON Lines/ : /--json +print one JSON document/,
      );
    }
    expect(formatCommandList()).toContain("--json: analyze and signals print JSON Lines");
  });

  it("gives every option a description, and a placeholder to every option that takes a value", () => {
    for (const name of COMMAND_NAMES) {
      for (const [option, config] of optionsOf(name)) {
        expect(config.description.length, `${name} --${option}`).toBeGreaterThan(5);
        expect(config.value !== undefined, `${name} --${option}`).toBe(config.type === "string");
      }
    }
  });

  it("writes usage lines that name only declared options", () => {
    for (const name of COMMAND_NAMES) {
      const usage = formatUsageLine(name);
      expect(usage.startsWith(`vpa ${name}`), usage).toBe(true);
      const declared = new Set(optionsOf(name).map(([option]) => `--${option}`));
      for (const flag of usage.match(/--[a-z][a-z-]*/g) ?? [])
        expect(declared, `${name}: ${flag}`).toContain(flag);
    }
  });

  it("prints every option, its placeholder and --help in a command's help", () => {
    for (const name of COMMAND_NAMES) {
      const help = formatCommandHelp(name);
      const title = help.split("\n\n")[0]?.replace(/\s+/g, " ");
      expect(title).toBe(`vpa ${name} — ${spec(name).summary.replaceAll("`", "")}`);
      expect(help).toContain(`usage: ${formatUsageLine(name)}`);
      for (const [option, config] of optionsOf(name)) {
        expect(help, name).toContain(`--${option}${config.value === undefined ? "" : ` ${config.value}`}`);
      }
      expect(help).toContain("-h, --help");
      for (const line of help.split("\n").filter((l) => !l.startsWith("usage: "))) {
        expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(100);
      }
    }
  });

  it("lists every command in vpa help", () => {
    const list = formatCommandList();
    for (const name of COMMAND_NAMES) expect(list).toMatch(new RegExp(`^  ${name}( |\\n)`, "m"));
  });

  it("resolves a command of two words before the one of its first word", () => {
    expect(resolveCommand(["alerts", "retry", "--json"])).toEqual({ name: "alerts retry", args: ["--json"] });
    expect(resolveCommand(["alerts", "--json"])).toEqual({ name: "alerts", args: ["--json"] });
    expect(resolveCommand(["signls"])).toBeUndefined();
    expect(resolveCommand(["constructor"])).toBeUndefined();
  });
});
