/**
 * One `vpa worker scanner|alerts` child process, as deployed (`node apps/cli/src/main.ts worker
 * <kind>`), that the chaos suite can kill -9, SIGTERM and start again. Its output goes to
 * `<logDir>/<name>.log` (every incarnation appended), and warnings and errors are tallied by
 * message for the report. An exit the suite did not cause is recorded: a worker that dies on its
 * own has not recovered unaided.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./chaos-services.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export type ChaosWorkerKind = "scanner" | "alerts";

export interface ChaosWorkerEnvironment {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly telegramToken: string;
  readonly telegramApiRoot: string;
  readonly logDir: string;
  /** Extra variables, e.g. ALERT_CONCURRENCY. */
  readonly extra?: Readonly<Record<string, string>>;
  /** The CLI entry to run: default the sources (`apps/cli/src/main.ts`); the image's bundle's `main.js`. */
  readonly entry?: string;
}

export interface WorkerExit {
  readonly at: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ChaosWorker {
  readonly kind: ChaosWorkerKind;
  readonly name: string;
  readonly #environment: ChaosWorkerEnvironment;
  readonly #log: WriteStream;
  #child: ChildProcess | null = null;
  #port = 0;
  #expectingExit = false;
  #exited: Promise<WorkerExit> = Promise.resolve({ at: 0, code: null, signal: null });
  /** Exits the suite did not cause. */
  readonly unexpectedExits: WorkerExit[] = [];
  /** Warnings and errors the process logged, by message. */
  readonly problems = new Map<string, number>();
  starts = 0;

  constructor(kind: ChaosWorkerKind, name: string, environment: ChaosWorkerEnvironment) {
    this.kind = kind;
    this.name = name;
    this.#environment = environment;
    this.#log = createWriteStream(join(environment.logDir, `${name}.log`), { flags: "a" });
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  get alive(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get port(): number {
    return this.#port;
  }

  /** Starts the process and waits until its health server answers (migrations done, worker running). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive) throw new Error(`${this.name} is already running`);
    this.#port = await freePort();
    const env = this.#environment;
    const child = spawn(process.execPath, [env.entry ?? "apps/cli/src/main.ts", "worker", this.kind], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        QUEUE_PREFIX: env.queuePrefix,
        HTTP_PORT: String(this.#port),
        TELEGRAM_BOT_TOKEN: env.telegramToken,
        TELEGRAM_API_ROOT: env.telegramApiRoot,
        TELEGRAM_BOT_COMMANDS: "false",
        LOG_LEVEL: "warn",
        // Throttling would hide losses: every matching subscriber gets every alert.
        ALERT_MAX_PER_HOUR: "0",
        // The audit reads alerts back in the English layout (alert-identity.ts).
        ALERT_LANGUAGE: "en",
        ALERT_COOLDOWN_MINUTES: "0",
        // No scheduled scans firing in the middle of a scenario.
        SCAN_SCHEDULE_DAILY: "off",
        SCAN_SCHEDULE_INTRADAY: "off",
        VPA_DATA_DIR: env.logDir,
        ...env.extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.starts++;
    this.#expectingExit = false;
    this.#log.write(
      `--- ${new Date().toISOString()} start #${this.starts} pid ${child.pid} port ${this.#port}\n`,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on("line", (line) => {
        this.#log.write(`${line}\n`);
        this.#tally(line);
      });
    }
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        const exit = { at: Date.now(), code, signal };
        this.#log.write(`--- ${new Date().toISOString()} exit code ${code} signal ${signal}\n`);
        if (!this.#expectingExit) this.unexpectedExits.push(exit);
        resolve(exit);
      });
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive)
        throw new Error(`${this.name} exited while starting; see ${env.logDir}/${this.name}.log`);
      if ((await this.#get("/health")) === 200) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not answer /health within ${timeoutMs} ms`);
  }

  /** Sends the signal and waits for the exit (SIGKILL after `graceMs` if it is still there). */
  async stop(
    signal: "SIGKILL" | "SIGTERM" = "SIGTERM",
    graceMs = 30_000,
  ): Promise<WorkerExit & { tookMs: number }> {
    const started = Date.now();
    if (!this.alive) return { ...(await this.#exited), tookMs: 0 };
    this.#expectingExit = true;
    this.#log.write(`--- ${new Date().toISOString()} chaos: ${signal}\n`);
    this.#child?.kill(signal);
    const timer = setTimeout(() => this.#child?.kill("SIGKILL"), graceMs);
    const exit = await this.#exited;
    clearTimeout(timer);
    return { ...exit, tookMs: Date.now() - started };
  }

  /** `/ready` answers 200 (Redis and PostgreSQL reachable from the process) within the time. */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) return false;
      if ((await this.#get("/ready")) === 200) return true;
      await sleep(250);
    }
    return false;
  }

  /** The process's own metrics text (/metrics), or null when it does not answer. */
  metricsText(): Promise<string | null> {
    return this.#text("/metrics");
  }

  /** `vpa_jobs_processed_total` of the worker's queue, from /metrics; null when it does not answer. */
  async processedJobs(): Promise<number | null> {
    const queue = this.kind === "alerts" ? "alerts" : "analyze";
    const text = await this.#text("/metrics");
    if (text === null) return null;
    const pattern = new RegExp(`^vpa_jobs_processed_total\\{[^}]*queue="${queue}"[^}]*\\}\\s+(\\S+)`, "m");
    return Number(pattern.exec(text)?.[1] ?? 0);
  }

  async close(): Promise<void> {
    await this.stop("SIGTERM", 15_000);
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
  }

  #tally(line: string): void {
    if (!line.startsWith("{")) {
      if (line.trim() !== "")
        this.problems.set(
          `stderr: ${line.slice(0, 120)}`,
          (this.problems.get(`stderr: ${line.slice(0, 120)}`) ?? 0) + 1,
        );
      return;
    }
    try {
      const record = JSON.parse(line) as { level?: number | string; msg?: string };
      const level = typeof record.level === "number" ? record.level : 0;
      if (level >= 40 || record.level === "warn" || record.level === "error") {
        const key = `${level >= 50 ? "error" : "warn"}: ${record.msg ?? "?"}`;
        this.problems.set(key, (this.problems.get(key) ?? 0) + 1);
      }
    } catch {
      // a partial line: counted nowhere
    }
  }

  async #get(path: string): Promise<number | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.#port}${path}`, {
        signal: AbortSignal.timeout(3_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }

  async #text(path: string): Promise<string | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.#port}${path}`, {
        signal: AbortSignal.timeout(5_000),
      });
      return response.ok ? await response.text() : null;
    } catch {
      return null;
    }
  }
}
