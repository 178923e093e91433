import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCommandHelp, formatCommandList, formatUsageLine } from "../src/command-help.ts";
import { COMMAND_NAMES } from "../src/command-registry.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const RECORDER = resolve(import.meta.dirname, "record-loaded-modules.ts");

/** Services nobody listens on: whatever these tests run must not need them. */
const NOWHERE = { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:1" };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The modules the process loaded (file: URLs and node: builtins). */
  readonly modules: string[];
}

let scratch: string;
let runs = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "vpa-command-line-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs `vpa args` (asynchronously: many at once), recording the modules it loads. */
async function vpa(args: readonly string[]): Promise<Run> {
  const record = join(scratch, `modules-${runs++}.txt`);
  const child = spawn(NODE, ["--import", RECORDER, "apps/cli/src/main.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: scratch, RECORD_LOADED_MODULES_TO: record, ...NOWHERE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const modules = (await readFile(record, "utf8").catch(() => "")).split("\n").filter((m) => m !== "");
  return { code, stdout, stderr, modules };
}

/** The repository's own modules among those loaded, as paths like `apps/cli/src/main.ts`. */
function ownModules(run: Run): string[] {
  return run.modules
    .filter((m) => m.startsWith(`file://${ROOT}/`))
    .map((m) => m.slice(`file://${ROOT}/`.length));
}

/**
 * What the command line may load to parse and explain itself: its own modules and the registries
 * its options are read from (the channels' declarations with their pacing rules, the provider
 * names). Never the configuration, a client library or a worker's code.
 */
function isCommandLineModule(path: string): boolean {
  return (
    path.startsWith("apps/cli/src/") ||
    /^apps\/alerts\/src\/channels\/(channel-registry|channel-pacing|[a-z]+\/[a-z]+-(channel|pacing))\.ts$/.test(
      path,
    ) ||
    path === "packages/market-data/src/providers/provider-names.ts"
  );
}

describe("vpa help", () => {
  it("prints every command's help for vpa <command> --help and vpa help <command>, exit 0", async () => {
    const helps = await Promise.all(COMMAND_NAMES.map((name) => vpa([...name.split(" "), "--help"])));
    helps.forEach((run, index) => {
      const name = COMMAND_NAMES[index] as (typeof COMMAND_NAMES)[number];
      expect(run.code, `vpa ${name} --help: ${run.stderr}`).toBe(0);
      expect(run.stdout).toBe(`${formatCommandHelp(name)}\n`);
    });
    const [retry, short] = await Promise.all([vpa(["help", "alerts", "retry"]), vpa(["scan", "-h"])]);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toBe(`${formatCommandHelp("alerts retry")}\n`);
    expect(short.stdout).toBe(`${formatCommandHelp("scan")}\n`);
  }, 60_000);

  it("lists the commands for vpa help (exit 0) and for a bare vpa (exit 2)", async () => {
    const [help, bare] = await Promise.all([vpa(["help"]), vpa([])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(`${formatCommandList()}\n`);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
  });

  it("loads only the command line's own modules: no configuration, no client library", async () => {
    for (const run of await Promise.all([vpa(["help"]), vpa(["backtest", "--help"]), vpa(["signls"])])) {
      expect(
        ownModules(run).filter((path) => !isCommandLineModule(path)),
        ownModules(run).join(" "),
      ).toEqual([]);
      expect(run.modules.filter((m) => m.includes("/node_modules/"))).toEqual([]);
    }
  });
});

describe("usage errors", () => {
  it("refuses a mistyped command with the nearest one, not the whole list (exit 2)", async () => {
    const run = await vpa(["signls", "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'vpa: unknown command "signls" (did you mean signals?)\nthe commands: vpa help\n',
    );
    const help = await vpa(["help", "subscriber"]);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('unknown command "subscriber" (did you mean subscribe or subscribers?)');
  });

  it("refuses a mistyped option with the command's usage line only, before connecting to anything", async () => {
    const run = await vpa(["signals", "--simbol", "VCB"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `vpa signals: unknown option --simbol (did you mean --symbol?)\nusage: ${formatUsageLine("signals")}\nmore: vpa signals --help\n`,
    );
    expect(ownModules(run).filter((path) => !isCommandLineModule(path))).toEqual([]);
    const worker = await vpa(["worker", "scaner"]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain(
      'worker: expected scanner, alerts, backtest, stream or api, not "scaner" (did you mean scanner?)',
    );
  });

  it("keeps the command's own checks: a bad value is exit 2 with the usage line", async () => {
    const run = await vpa(["study", "--horizon", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("vpa study: --horizon must be a whole number from 1 to 60");
    expect(run.stderr).toContain(`usage: ${formatUsageLine("study")}`);
  });
});
