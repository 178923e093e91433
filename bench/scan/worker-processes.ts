import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { processMemoryMiB } from "./proc-stats.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface WorkerProcessOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly concurrency: number;
  readonly lookbackBars: number;
  /** Write a V8 CPU profile of each worker process here (node --cpu-prof). */
  readonly cpuProfileDir?: string;
  /** The program to run: the sources (default) or the image's bundle (`--bundle`). */
  readonly entry?: string;
  /** Arguments after the program. Default `worker scanner`. */
  readonly args?: readonly string[];
}

/** One `vpa worker scanner` child process (`node apps/cli/src/main.ts worker scanner`, or the image's `node dist/main.js …`). */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly #stderr: string[] = [];
  readonly #exited: Promise<number | null>;
  #peakRssMiB = 0;
  /** RSS right after "worker started", before any job. */
  startRssMiB = 0;

  private constructor(child: ChildProcess) {
    this.child = child;
    if (child.pid === undefined) throw new Error("worker process did not start");
    this.pid = child.pid;
    this.#exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr.push(chunk.toString());
      if (this.#stderr.length > 50) this.#stderr.shift();
    });
  }

  /** Starts the process and resolves once it logged "worker started" (migrations done, worker running). */
  static async start(options: WorkerProcessOptions, timeoutMs = 60_000): Promise<WorkerProcess> {
    const profile =
      options.cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`];
    const child = spawn(
      process.execPath,
      [...profile, options.entry ?? "apps/cli/src/main.ts", ...(options.args ?? ["worker", "scanner"])],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: options.databaseUrl,
          REDIS_URL: options.redisUrl,
          QUEUE_PREFIX: options.queuePrefix,
          HTTP_PORT: "0",
          ANALYZE_CONCURRENCY: String(options.concurrency),
          SCAN_LOOKBACK_BARS: String(options.lookbackBars),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const worker = new WorkerProcess(child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker ${worker.pid} not ready: ${worker.stderr}`)),
        timeoutMs,
      );
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`worker ${worker.pid} exited with ${code}: ${worker.stderr}`));
      });
      lines.on("line", (line) => {
        if (line.includes('"msg":"worker started"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    worker.startRssMiB = processMemoryMiB(worker.pid)?.rss ?? 0;
    return worker;
  }

  get stderr(): string {
    return this.#stderr.join("").slice(-2_000);
  }

  /** Samples VmRSS; call periodically during the timed window. */
  sample(): void {
    const memory = processMemoryMiB(this.pid);
    if (memory !== null) this.#peakRssMiB = Math.max(this.#peakRssMiB, memory.rss);
  }

  /** Peak RSS sampled in the timed window, and VmHWM (peak over the process's life). */
  memory(): { sampledPeakMiB: number; hwmMiB: number } {
    const memory = processMemoryMiB(this.pid);
    return { sampledPeakMiB: this.#peakRssMiB, hwmMiB: memory?.hwm ?? 0 };
  }

  /** SIGTERM (graceful shutdown), then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
