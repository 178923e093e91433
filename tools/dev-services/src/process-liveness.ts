import { readFile } from "node:fs/promises";

/**
 * Is `pid` a live process whose command line contains `expectedCommand`? A pid from a state file
 * may be dead (crash, reboot) or reused by an unrelated process; a zombie counts as dead. Where
 * /proc is missing (macOS) only existence is checked.
 */
export async function isProcessRunning(pid: number, expectedCommand: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user (e.g. postgres run as the `postgres` user).
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  let stat: string;
  let commandLine: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
    commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch {
    return process.platform !== "linux";
  }
  // Field 3 of /proc/<pid>/stat is the state; the command name before it is in parentheses.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  if (state === "Z" || state === "X") return false;
  return commandLine.includes(expectedCommand);
}

/** Polls until the process is gone. Returns false if it is still there after `timeoutMs`. */
export async function waitForProcessExit(
  pid: number,
  expectedCommand: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isProcessRunning(pid, expectedCommand))) return true;
    await sleep(100);
  }
  return !(await isProcessRunning(pid, expectedCommand));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
