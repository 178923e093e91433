import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./cli-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--telegram -1001234567890` (a Telegram group's id): parseArgs reads a value that starts with "-"
 * as options of its own. A negative number right after an option that takes a value is its value.
 */
function attachNegativeNumbers(args: readonly string[], options: Options): string[] {
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

/** node:util parseArgs, with its errors turned into a UsageError that names the command. */
export function parseOptions<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({
      args: attachNegativeNumbers(args, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${command}: ${(error as Error).message.replace(/\. To specify a positional.*$/s, "")}`,
    );
  }
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
