import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  readonly level: string;
  /** Values that must never be written, wherever they hide (inside URLs, error messages, stacks). */
  readonly secrets: readonly string[];
  /** Default: stdout. Tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/** Field paths that hold secrets by name, redacted by pino before serialising. */
const REDACTED_PATHS = [
  "token",
  "botToken",
  "password",
  "pass",
  "smtpUrl",
  "databaseUrl",
  "*.token",
  "*.botToken",
  "*.password",
  "*.pass",
  "*.smtpUrl",
  "*.databaseUrl",
  "config.telegram.botToken",
];

function escapeForRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The one pino root of a process. Two layers keep secrets out: pino's `redact` for fields known by
 * name, and a scrub of the finished line for the secret values themselves, which catches a token
 * that leaked into an error message or a URL. The scrub runs per line, on a precompiled pattern.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...options.secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const pattern = secrets.length > 0 ? new RegExp(secrets.map(escapeForRegExp).join("|"), "g") : null;
  const jsonEscaped = secrets.map((s) => JSON.stringify(s).slice(1, -1)).filter((s, i) => s !== secrets[i]);
  const jsonPattern =
    jsonEscaped.length > 0 ? new RegExp(jsonEscaped.map(escapeForRegExp).join("|"), "g") : null;
  return pino(
    {
      level: options.level,
      name: options.name,
      redact: { paths: REDACTED_PATHS, censor: "[REDACTED]" },
      hooks: {
        streamWrite(line) {
          let scrubbed = pattern === null ? line : line.replace(pattern, "[REDACTED]");
          if (jsonPattern !== null) scrubbed = scrubbed.replace(jsonPattern, "[REDACTED]");
          return scrubbed;
        },
      },
    },
    options.destination,
  );
}
