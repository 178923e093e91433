import { parseArgs } from "node:util";
import { UsageError } from "./cli-error.ts";
import { COMMANDS, type CommandName, type OptionSpec } from "./command-registry.ts";
import { didYouMean } from "./suggest-similar.ts";

/** A command's options as the registry declares them (parseArgs's config, with help text). */
type CommandOptions<N extends CommandName> = (typeof COMMANDS)[N]["options"];

/** What parseArgs returns for a command: its options' values, typed, and the other words. */
export type ParsedCommandLine<N extends CommandName> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: CommandOptions<N>;
    allowPositionals: true;
    strict: true;
  }>
>;

function optionsOf(name: CommandName): Readonly<Record<string, OptionSpec>> {
  return COMMANDS[name].options;
}

/**
 * `--telegram -1001234567890` (a Telegram group's id): parseArgs reads a value that starts with "-"
 * as options of its own. A negative number right after an option that takes a value is its value.
 */
function attachNegativeNumbers(
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): string[] {
  const attached: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      attached.push(`${arg}=${next}`);
      i++;
    } else {
      attached.push(arg);
    }
  }
  return attached;
}

/** parseArgs's error in the words of this CLI, with the option the user probably meant. */
function describeParseError(name: CommandName, error: Error & { code?: string }): string {
  const options = optionsOf(name);
  const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    const flags = [...Object.keys(options).map((option) => `--${option}`), "--help"];
    return `unknown option ${unknown}${didYouMean(unknown.replace(/=.*$/, ""), flags)}`;
  }
  const option = /^Option '(?:-\w, )?(--[^' ]+)/.exec(error.message)?.[1];
  if (option !== undefined) {
    if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
    if (/argument is ambiguous/.test(error.message)) {
      return `${option} needs a value (a value that starts with - goes as ${option}=-...)`;
    }
    if (/argument missing/.test(error.message)) return `${option} needs a value`;
  }
  return error.message.replace(/\. To specify a positional.*$/s, "");
}

/**
 * The command line of the command `name`, parsed with the options the registry declares for it
 * (node:util parseArgs, strict: an unknown option or a value given to a flag is refused). Every
 * mistake is a {@link UsageError} that names the command, with the option the user probably meant.
 */
export function parseOptions<N extends CommandName>(name: N, args: readonly string[]): ParsedCommandLine<N> {
  const options = COMMANDS[name].options;
  try {
    return parseArgs({
      args: attachNegativeNumbers(args, options),
      options,
      allowPositionals: true,
      strict: true,
    }) as ParsedCommandLine<N>;
  } catch (error) {
    throw new UsageError(`${name}: ${describeParseError(name, error as Error & { code?: string })}`);
  }
}

/**
 * Checks a command line before the command's code is loaded: its options, and the first argument
 * of a command that takes one of a few words (`services up`, `worker scanner`). So a typo costs
 * milliseconds, loads nothing and connects to nothing.
 */
export function checkCommandLine(name: CommandName, args: readonly string[]): void {
  const { positionals } = parseOptions(name, args);
  const actions: readonly string[] | undefined = (COMMANDS[name] as { actions?: readonly string[] }).actions;
  if (actions === undefined) return;
  const [action] = positionals;
  const expected = `${actions.slice(0, -1).join(", ")} or ${actions[actions.length - 1] as string}`;
  if (action === undefined) throw new UsageError(`${name}: name one of ${expected}`);
  if (!actions.includes(action)) {
    throw new UsageError(
      `${name}: expected ${expected}, not ${JSON.stringify(action)}${didYouMean(action, actions)}`,
    );
  }
}

/** True when the user asked for help: `-h` or `--help` anywhere before a `--`. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item.length > 0);
}

export function parseInteger(
  command: string,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
) {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(
      `${command}: --${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return number;
}
