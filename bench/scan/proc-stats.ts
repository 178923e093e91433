import { readdirSync, readFileSync } from "node:fs";

/** Linux /proc readers for the bench: CPU ticks and memory of processes, machine CPU. */

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process (all its threads), in seconds; null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (peak RSS) of a process in MiB; null when it is gone. */
export function processMemoryMiB(pid: number): { rss: number; hwm: number; anon: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
      return match === null ? 0 : Number(match[1]) / 1024;
    };
    return { rss: field("VmRSS"), hwm: field("VmHWM"), anon: field("RssAnon") };
  } catch {
    return null;
  }
}

/** pid → CPU seconds of every process whose command name is one of `names`. */
export function cpuByCommand(names: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (!names.includes(comm)) continue;
    const cpu = processCpuSeconds(pid);
    if (cpu !== null) out.set(pid, cpu);
  }
  return out;
}

/** CPU seconds the group used between two snapshots (processes born in between count from 0). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** Machine-wide busy and total CPU seconds (all cores) from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}
