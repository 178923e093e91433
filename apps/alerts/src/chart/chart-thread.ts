/**
 * resvg on a thread of its own: SVG in, PNG bytes out.
 *
 * Why a thread and not resvg-js's `renderAsync` on libuv's pool (what this replaced): a chart
 * is an 800 × 450 RGBA pixmap, 1.44 MB. Rendered on the pool, its pixels came back to the main
 * thread as a fresh 1.44 MB buffer, were copied once more into PNG rows and deflated: ~10 ms of
 * the worker's event loop per chart (the copies, their page faults and the young-generation GCs
 * they caused) and ~21 ms of CPU in all. On this thread resvg renders and encodes the PNG itself
 * (`asPng`), the pixmap never leaves Rust, the thread's young generation is collected after each
 * chart so resvg's allocator reuses the same pages, and only the ~24 KB PNG crosses back: ~1 ms of
 * the event loop and ~12 ms of CPU per chart, and ~40 MB less memory held after a burst of them
 * (BENCHMARKS.md, bench/charts).
 *
 * The thread starts at the first render and is unreferenced whenever nothing is pending, so it
 * never keeps a process alive. A render that errs (an SVG resvg cannot parse) rejects alone; a
 * render past `timeoutMs`, or the thread dying, rejects what was pending and the next render
 * starts a new thread.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { ResvgRenderOptions } from "@resvg/resvg-js";

export interface ChartThreadOptions {
  /** resvg's options (fonts, fit, background), the same for every render. */
  readonly resvg: ResvgRenderOptions;
  /** A render not done after this long rejects and the thread is replaced. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface ChartThread {
  /**
   * The PNG of an SVG document.
   * @throws Error with resvg's message when the SVG does not parse; when the render timed out or
   * the thread stopped.
   */
  render(svg: string): Promise<Uint8Array>;
  /** Stops the thread; pending renders reject. A later render starts a new one. */
  close(): Promise<void>;
}

/**
 * The thread's whole program, evaluated. It reads modules through `process.getBuiltinModule`, so
 * it runs as a script or as a module (an eval'd worker takes the parent's --input-type). resvg is
 * loaded by the path the caller resolved, so it works the same from the sources and from the
 * bundle, where resvg-js stays in node_modules (tools/bundle: RUNTIME_EXTERNALS).
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
const { createRequire } = process.getBuiltinModule("node:module");
const { Resvg } = createRequire(workerData.resvgPath)(workerData.resvgPath);
// A young-generation collection after each chart (well under a millisecond on this thread's tiny
// heap) lets its renderer go at once, so resvg's allocator hands the same pages to the next chart.
// Jest's way of reaching gc() without starting Node with --expose-gc.
process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
const collect = process.getBuiltinModule("node:vm").runInNewContext("gc");
// One chart per turn of the thread's loop: a renderer's memory is released by a finalizer that
// runs between turns, so a burst of requests handled in one turn would hold every pixmap at once
// (143 charts queued together: 250 MB).
const queue = [];
function renderNext() {
  const { id, svg } = queue.shift();
  try {
    parentPort.postMessage({ id, png: new Resvg(svg, workerData.options).render().asPng() });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
  collect({ type: "minor" });
  if (queue.length > 0) setImmediate(renderNext);
}
parentPort.on("message", (request) => {
  queue.push(request);
  if (queue.length === 1) setImmediate(renderNext);
});
`;

/** The thread allocates little JavaScript: an SVG string and a PNG per chart. */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 } as const;

interface Pending {
  readonly resolve: (png: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface RunningThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

type Reply =
  | { readonly id: number; readonly png: Uint8Array }
  | { readonly id: number; readonly error: string };

/**
 * @example
 * const thread = createChartThread({ resvg: { fitTo: { mode: "original" } } });
 * const png = await thread.render(svg); // Uint8Array, starts with \x89PNG
 */
export function createChartThread(options: ChartThreadOptions): ChartThread {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resvgPath = createRequire(import.meta.url).resolve("@resvg/resvg-js");
  let current: RunningThread | null = null;
  let nextId = 0;

  function start(): RunningThread {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { resvgPath, options: options.resvg },
      resourceLimits: THREAD_LIMITS,
      name: "vpa-chart",
    });
    // Each thread answers only its own requests: a replaced thread's exit fails none of the new one's.
    const running: RunningThread = { worker, pending: new Map() };
    const failAll = (error: Error): void => {
      if (current === running) current = null;
      for (const request of running.pending.values()) {
        clearTimeout(request.timer);
        request.reject(error);
      }
      running.pending.clear();
    };
    worker.on("message", (reply: Reply) => {
      const request = running.pending.get(reply.id);
      if (request === undefined) return; // timed out already
      running.pending.delete(reply.id);
      clearTimeout(request.timer);
      if (running.pending.size === 0) worker.unref();
      if ("error" in reply) request.reject(new Error(`resvg: ${reply.error}`));
      else request.resolve(reply.png);
    });
    worker.on("error", (error) =>
      failAll(new Error(`the chart thread failed: ${error.message}`, { cause: error })),
    );
    worker.on("exit", (code) => failAll(new Error(`the chart thread stopped (exit code ${code})`)));
    return running;
  }

  return {
    render(svg) {
      current ??= start();
      const running = current;
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        const timer = setTimeout(() => {
          running.pending.delete(id);
          reject(new Error(`the chart was not rendered within ${timeoutMs} ms`));
          // A render that long is stuck: the next render starts a new thread, and this one's
          // exit rejects what it still had.
          if (current === running) current = null;
          void running.worker.terminate();
        }, timeoutMs);
        timer.unref();
        running.pending.set(id, { resolve, reject, timer });
        running.worker.ref();
        running.worker.postMessage({ id, svg });
      });
    },
    async close() {
      const running = current;
      current = null;
      if (running !== null) await running.worker.terminate();
    },
  };
}
