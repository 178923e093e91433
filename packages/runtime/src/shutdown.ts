import type { Logger } from "pino";

export interface Shutdown {
  /** Registers a closer; closers run in reverse order of registration (last opened, first closed). */
  add(name: string, close: () => Promise<void>): void;
  /** Runs every closer once, bounded by the timeout. Resolves true if all finished in time. */
  run(reason: string): Promise<boolean>;
  /** Resolves when run() has been called (by a signal or directly). */
  readonly requested: Promise<string>;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT with a bounded time: BullMQ's `worker.close()` waits for
 * active jobs with no limit of its own, so the whole sequence races a timer and the process exits
 * non-zero if it runs out. A second signal exits at once.
 */
export function createShutdown(options: {
  logger: Logger;
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}): Shutdown {
  const closers: { name: string; close: () => Promise<void> }[] = [];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<boolean> | null = null;
  let resolveRequested: (reason: string) => void = () => {};
  const requested = new Promise<string>((resolve) => {
    resolveRequested = resolve;
  });

  const run = (reason: string): Promise<boolean> => {
    if (running !== null) return running;
    resolveRequested(reason);
    options.logger.info({ reason, timeoutMs: options.timeoutMs }, "shutting down");
    const sequence = (async () => {
      for (const closer of [...closers].reverse()) {
        try {
          await closer.close();
        } catch (err) {
          options.logger.error({ err, closer: closer.name }, "error while closing");
        }
      }
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs);
      timer.unref();
    });
    running = Promise.race([sequence, timeout]).then((finished) => {
      clearTimeout(timer);
      if (!finished) options.logger.error({ timeoutMs: options.timeoutMs }, "shutdown timed out");
      return finished;
    });
    return running;
  };

  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      process.once(signal, () => exit(130));
      void run(signal).then((finished) => exit(finished ? 0 : 1));
    });
  }
  return { add: (name, close) => closers.push({ name, close }), run, requested };
}
