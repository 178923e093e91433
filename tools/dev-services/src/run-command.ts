import { spawn } from "node:child_process";

export interface CommandIdentity {
  uid: number;
  gid: number;
}

export interface RunCommandOptions {
  /** Run as this user (requires root); Node drops supplementary groups when switching. */
  as?: CommandIdentity;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the command is killed. */
  timeoutMs: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, last 64 KiB. */
  output: string;
  timedOut: boolean;
}

const maxOutputChars = 64 * 1024;

/** Runs a command to completion without a shell. Resolves even on failure; rejects only if it cannot start. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.as === undefined ? {} : { uid: options.as.uid, gid: options.as.gid }),
    });
    let output = "";
    let timedOut = false;
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-maxOutputChars);
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, output, timedOut });
    });
  });
}

export function describeCommandFailure(command: string, result: CommandResult): string {
  const how = result.timedOut
    ? "timed out"
    : result.signal !== null
      ? `was killed by ${result.signal}`
      : `exited with code ${result.exitCode}`;
  const tail = lastLines(result.output, 15);
  return tail === "" ? `${command} ${how}` : `${command} ${how}:\n${tail}`;
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}
