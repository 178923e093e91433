/**
 * bench/charts — what one alert chart (60 daily bars, 800 × 450) costs the alerts worker, drawn
 * the product's way (`renderChartPng`: resvg renders and encodes on a thread of its own) and the
 * two ways resvg-js offers out of the box, each in a fresh process:
 *
 *   node_modules/.bin/node bench/charts/run.ts [--charts 300] [--at-once 2]
 *
 * - thread:      renderChartPng (chart-thread.ts): only the SVG goes to the thread, the PNG back;
 * - pool+asPng:  resvg-js's `renderAsync` (libuv's pool), then `asPng()` on the event loop;
 * - main sync:   `new Resvg(svg).render().asPng()` on the event loop.
 *
 * Prints per chart, after 30 warm-up charts and `--at-once` charts in flight: wall time, the
 * process's CPU (every thread), the event loop's busy time (what the worker's other jobs wait for),
 * minor page faults, and the process's RSS and RssAnon (its own memory) at the end. Not a test, no limits.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Resvg, renderAsync } from "@resvg/resvg-js";
import { CHART_RESVG_OPTIONS, renderChartPng } from "../../apps/alerts/src/chart/render-chart-png.ts";
import { type ChartBar, renderChartSvg } from "../../apps/alerts/src/chart/render-chart-svg.ts";
import { supportAndResistance } from "../../apps/alerts/src/chart/support-resistance.ts";

const { values: args } = parseArgs({
  options: {
    charts: { type: "string", default: "300" },
    "at-once": { type: "string", default: "2" },
    variant: { type: "string" },
  },
});
const VARIANTS = ["thread", "pool+asPng", "main sync"] as const;
type Variant = (typeof VARIANTS)[number];

/** 60 daily bars of a deterministic walk around 23 thousand VND, the signal on the 56th. */
function chartSvg(): string {
  const bars: ChartBar[] = Array.from({ length: 60 }, (_, i) => {
    const open = 23 + Math.sin(i / 5) * 2;
    const close = open + Math.cos(i / 3) * 0.6;
    return {
      time: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      open,
      close,
      high: Math.max(open, close) + 0.4,
      low: Math.min(open, close) - 0.4,
      volume: 1_000_000 + ((i * 7919) % 13) * 150_000,
    };
  });
  return renderChartSvg({
    bars,
    signalIndex: 55,
    ...supportAndResistance(bars, 55),
    bias: "bull",
    title: "VCB · HOSE · 1D · 2020-02-25",
    subtitle: "Cao trào bán / Selling climax ▲ · 87",
  });
}

const draw: Record<Variant, (svg: string) => Promise<Uint8Array>> = {
  thread: renderChartPng,
  "pool+asPng": async (svg) => (await renderAsync(svg, CHART_RESVG_OPTIONS)).asPng(),
  "main sync": async (svg) => new Resvg(svg, CHART_RESVG_OPTIONS).render().asPng(),
};

/** The process's own memory (RssAnon: heap and allocations, not the mapped binaries), Linux only. */
function rssAnonMb(): number {
  const status = readFileSync("/proc/self/status", "utf8").match(/RssAnon:\s+(\d+) kB/);
  return status === null ? Number.NaN : Number(status[1]) / 1024;
}

async function measure(variant: Variant, charts: number, atOnce: number): Promise<void> {
  const render = draw[variant];
  for (let i = 0; i < 30; i++) await render(chartSvg());
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const loop0 = performance.eventLoopUtilization();
  const started = performance.now();
  let bytes = 0;
  for (let done = 0; done < charts; done += atOnce) {
    const pngs = await Promise.all(Array.from({ length: atOnce }, () => render(chartSvg())));
    bytes = pngs[0]!.byteLength;
    // Let the loop turn, so its busy time is counted for the synchronous way too.
    await new Promise(setImmediate);
  }
  const cpu = process.cpuUsage(cpu0);
  const loop = performance.eventLoopUtilization(loop0);
  console.log(
    JSON.stringify({
      variant,
      wallMs: (performance.now() - started) / charts,
      cpuMs: (cpu.user + cpu.system) / 1000 / charts,
      eventLoopMs: loop.active / charts,
      faults: (process.resourceUsage().minorPageFault - faults0) / charts,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      rssAnonMb: rssAnonMb(),
      pngKb: bytes / 1024,
    }),
  );
}

if (args.variant !== undefined) {
  await measure(args.variant as Variant, Number(args.charts), Number(args["at-once"]));
  process.exit(0);
}
console.log(`${args.charts} charts, ${args["at-once"]} at once, each way in a fresh process (per chart):`);
console.log("variant       wall ms   CPU ms   event loop ms   page faults   RSS MB   RssAnon MB   PNG KB");
for (const variant of VARIANTS) {
  const run = spawnSync(
    process.execPath,
    [import.meta.filename, "--variant", variant, "--charts", args.charts, "--at-once", args["at-once"]],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (run.status !== 0) throw new Error(`${variant} failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  console.log(
    `${variant.padEnd(12)} ${r.wallMs.toFixed(1).padStart(8)} ${r.cpuMs.toFixed(1).padStart(8)} ${r.eventLoopMs.toFixed(1).padStart(15)} ${r.faults.toFixed(0).padStart(13)} ${r.rssMb.toFixed(0).padStart(8)} ${r.rssAnonMb.toFixed(0).padStart(12)} ${r.pngKb.toFixed(1).padStart(8)}`,
  );
}
