import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIG_VARIABLES } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { formatUsageLine } from "../src/command-help.ts";
import { COMMAND_NAMES, COMMANDS, type CommandName } from "../src/command-registry.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const README = readFileSync(resolve(ROOT, "README.md"), "utf8");

/** The section under `## title`, up to the next `## ` heading. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThan(0);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The cells of each row of a section's table (header and rule skipped), `\|` unescaped. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n").filter((line) => line.startsWith("|"));
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replaceAll("\\|", "|")),
  );
}

describe("README: Command line", () => {
  const rows = tableRows(section("Command line"));
  const named = rows.map(([usage]) => {
    const words = (usage ?? "").replace(/^`vpa /, "").split(/[ `]/);
    return (words.slice(0, 2).join(" ") in COMMANDS ? words.slice(0, 2).join(" ") : words[0]) as CommandName;
  });

  it("lists every command of the registry, in its order, and no other", () => {
    expect(named).toEqual(COMMAND_NAMES);
  });

  it("shows each command's usage line as vpa <command> --help prints it", () => {
    rows.forEach(([usage], index) => {
      expect(usage).toBe(`\`${formatUsageLine(named[index] as CommandName)}\``);
    });
  });

  it("names every option of each command, and only options the command has", () => {
    rows.forEach((cells, index) => {
      const name = named[index] as CommandName;
      const row = cells.join(" ");
      const declared = Object.keys(COMMANDS[name].options).map((option) => `--${option}`);
      const mentioned = new Set(row.match(/--[a-z][a-z-]*/g) ?? []);
      for (const flag of mentioned) expect(declared, `vpa ${name}: README names ${flag}`).toContain(flag);
      for (const flag of declared)
        expect([...mentioned], `vpa ${name}: README omits ${flag}`).toContain(flag);
    });
  });
});

/** Every `.ts` file under a directory, tests excluded. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Variables the code reads besides the config schema: `process.env.X` in the sources, `${X:-` in ./vpa. */
function variablesReadOutsideTheSchema(): Set<string> {
  const names = new Set<string>();
  const sources = ["apps", "packages"].flatMap((top) =>
    readdirSync(resolve(ROOT, top)).flatMap((workspace) => {
      const src = resolve(ROOT, top, workspace, "src");
      return readdirSync(resolve(ROOT, top, workspace)).includes("src") ? sourceFiles(src) : [];
    }),
  );
  for (const file of sources) {
    for (const match of readFileSync(file, "utf8").matchAll(
      /process\.env(?:\.([A-Z_][A-Z0-9_]*)|\["([A-Z_][A-Z0-9_]*)"\])/g,
    )) {
      names.add((match[1] ?? match[2]) as string);
    }
  }
  for (const match of readFileSync(resolve(ROOT, "vpa"), "utf8").matchAll(/\$\{([A-Z_][A-Z0-9_]*):-/g)) {
    names.add(match[1] as string);
  }
  return names;
}

/** Every workspace of the root package.json (its globs expanded), as `dir/name`. */
function workspaces(): string[] {
  const { workspaces: globs } = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  return globs.flatMap((glob) =>
    glob.endsWith("/*")
      ? readdirSync(resolve(ROOT, glob.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${glob.slice(0, -2)}/${entry.name}`)
      : [glob],
  );
}

describe("README: How it works", () => {
  it("describes every workspace and no other (and the benchmarks)", () => {
    const paths = tableRows(section("How it works"))
      .map(([path]) => /^`([^`]+)`$/.exec(path ?? "")?.[1])
      .filter((path) => path !== undefined);
    expect(paths.sort()).toEqual([...workspaces(), "bench"].sort());
  });
});

/** The system's own variables, read to find programs, not configuration. */
const SYSTEM_VARIABLES = new Set(["PATH", "HOME"]);

describe("README: Configuration", () => {
  const text = section("Configuration");
  const documented = new Set(
    tableRows(text).flatMap(([variable]) =>
      [...(variable ?? "").matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string),
    ),
  );
  // `<NAME>_FILE` of a secret NAME (HOLIDAYS_FILE is a variable of its own).
  const secretFiles = CONFIG_VARIABLES.filter(
    (name) => name.endsWith("_FILE") && CONFIG_VARIABLES.includes(name.slice(0, -"_FILE".length)),
  );
  const read = new Set([
    ...CONFIG_VARIABLES.filter((name) => !secretFiles.includes(name)),
    ...[...variablesReadOutsideTheSchema()].filter((name) => !SYSTEM_VARIABLES.has(name)),
  ]);

  it("documents every variable the code reads", () => {
    for (const name of read) expect([...documented], `README omits ${name}`).toContain(name);
  });

  it("documents no variable the code does not read", () => {
    for (const name of documented)
      expect([...read], `README documents ${name}, which nothing reads`).toContain(name);
  });

  it("names each secret that may come from a <NAME>_FILE", () => {
    const sentence = /Secrets may come from files: `<NAME>_FILE` for([^.]+)\./.exec(
      text.replace(/\s+/g, " "),
    )?.[1];
    const names = [...(sentence ?? "").matchAll(/`([A-Z_]+)`/g)].map((m) => `${m[1]}_FILE`);
    expect(names.sort()).toEqual([...secretFiles].sort());
  });
});
