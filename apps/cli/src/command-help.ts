import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
} from "./command-registry.ts";

/** Help is wrapped to this many columns, whatever the terminal: the same text in a pipe and in tests. */
const WIDTH = 100;

function specOf(name: CommandName): CommandSpec {
  return COMMANDS[name];
}

/** `--symbol S`, `--sweep key=v1,v2 ...`, `--json`. */
function formatFlag(name: string, option: OptionSpec): string {
  const value = option.value === undefined ? "" : ` ${option.value}`;
  return `--${name}${value}${option.multiple === true ? " ..." : ""}`;
}

/** The command's usage line: `vpa signals [--symbol S] ... [--json]`. */
export function formatUsageLine(name: CommandName): string {
  const spec = specOf(name);
  if (spec.synopsis !== undefined) return spec.synopsis;
  const parts = [`vpa ${name}`];
  if (spec.arguments !== undefined) parts.push(spec.arguments);
  for (const [option, config] of Object.entries(spec.options)) parts.push(`[${formatFlag(option, config)}]`);
  return parts.join(" ");
}

/** `text` in lines of at most WIDTH columns, each but the first indented by `indent` spaces. */
function wrap(text: string, indent: number, firstWidth = WIDTH): string {
  const lines: string[] = [];
  let line = "";
  let width = firstWidth;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
      width = WIDTH - indent;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** Plain text: the README's backticks do not belong on a terminal. */
function plain(text: string): string {
  return text.replaceAll("`", "");
}

/** `vpa <command> --help`: what it does, its usage, every option with its unit and default. */
export function formatCommandHelp(name: CommandName): string {
  const spec = specOf(name);
  const rows: [string, string][] = Object.entries(spec.options).map(([option, config]) => [
    formatFlag(option, config),
    config.description,
  ]);
  rows.push(["-h, --help", "print this help"]);
  const column = Math.min(26, Math.max(...rows.map(([flag]) => flag.length)) + 2);
  const options = rows.map(([flag, description]) => {
    const head = `  ${flag}`;
    const pad =
      head.length + 1 >= column + 2 ? `\n${" ".repeat(column + 2)}` : " ".repeat(column + 2 - head.length);
    return `${head}${pad}${wrap(plain(description), column + 2, WIDTH - column - 2)}`;
  });
  const sections = [
    wrap(`vpa ${name} — ${plain(spec.summary)}`, 2),
    `usage: ${formatUsageLine(name)}`,
    `options:\n${options.join("\n")}`,
    ...(spec.details ?? []).map((paragraph) => wrap(plain(paragraph), 0)),
  ];
  return sections.join("\n\n");
}

/** `vpa help`: every command with its summary, and what holds for all of them. */
export function formatCommandList(): string {
  const heads = COMMAND_NAMES.map((name) => {
    const args = specOf(name).arguments;
    return args === undefined ? name : `${name} ${args}`;
  });
  // A long head (`worker scanner|alerts|backtest|stream`) gets a line of its own.
  const column = 24;
  const lines = COMMAND_NAMES.map((name, index) => {
    const head = `  ${heads[index] as string}`;
    const pad = head.length + 2 > column ? `\n${" ".repeat(column)}` : " ".repeat(column - head.length);
    return `${head}${pad}${wrap(plain(specOf(name).summary), column, WIDTH - column)}`;
  });
  const jsonLines = COMMAND_NAMES.filter((name) => jsonFormatOf(name) === "lines");
  return [
    "vpa — VPA market scanner and alerts for the Vietnamese stock market (HOSE, HNX, UPCOM)",
    "usage: vpa <command> [arguments] [options]\n       vpa <command> --help, or vpa help <command>: its options, units and output",
    `commands:\n${lines.join("\n")}`,
    wrap(
      `--json: ${jsonLines.join(" and ")} print JSON Lines (one record per line); every other command prints one JSON document.`,
      0,
    ),
    wrap(
      "Exit codes: 0 success, 1 failure, 2 bad command line or configuration (nothing done), 3 import stored the valid rows but rejected some, 4 import stored nothing.",
      0,
    ),
    "Configuration comes from environment variables (README.md: Configuration).",
  ].join("\n\n");
}

/** How a command's `--json` prints, or undefined when it has no `--json`. */
export function jsonFormatOf(name: CommandName): OptionSpec["output"] | undefined {
  const json: OptionSpec | undefined = (specOf(name).options as Readonly<Record<string, OptionSpec>>).json;
  return json?.output;
}
