import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { PNG_SIGNATURE, readPngSize } from "../../test/support/decode-png.ts";
import { type ChartThread, createChartThread } from "./chart-thread.ts";
import { CHART_RESVG_OPTIONS } from "./render-chart-png.ts";

const SQUARE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30"/></svg>';

/** An SVG resvg takes seconds to draw: a million overlapping blurred shapes. */
function slowSvg(): string {
  const shapes = '<circle cx="400" cy="400" r="390" filter="url(#b)"/>'.repeat(2_000);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><filter id="b"><feGaussianBlur stdDeviation="40"/></filter>${shapes}</svg>`;
}

let thread: ChartThread | null = null;
afterEach(async () => {
  await thread?.close();
  thread = null;
});

describe("createChartThread", () => {
  it("renders SVG to a PNG of the SVG's size", async () => {
    thread = createChartThread({ resvg: CHART_RESVG_OPTIONS });
    const png = await thread.render(SQUARE);
    expect(Buffer.from(png.subarray(0, 8)).equals(Buffer.from(PNG_SIGNATURE))).toBe(true);
    expect(readPngSize(png)).toEqual({ width: 40, height: 30 });
  });

  it("rejects an SVG resvg cannot parse with resvg's reason, and renders the next one", async () => {
    thread = createChartThread({ resvg: CHART_RESVG_OPTIONS });
    await expect(thread.render("<svg")).rejects.toThrow(/^resvg: /);
    expect(readPngSize(await thread.render(SQUARE))).toEqual({ width: 40, height: 30 });
  });

  it("gives up on a render past its time and renders the next one on a new thread", async () => {
    thread = createChartThread({ resvg: CHART_RESVG_OPTIONS, timeoutMs: 1_500 });
    await thread.render(SQUARE); // the thread is up: what follows times the render alone
    const started = performance.now();
    await expect(thread.render(slowSvg())).rejects.toThrow("not rendered within 1500 ms");
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(readPngSize(await thread.render(SQUARE))).toEqual({ width: 40, height: 30 });
  });

  it("rejects what is pending when closed", async () => {
    thread = createChartThread({ resvg: CHART_RESVG_OPTIONS });
    const pending = thread.render(slowSvg());
    await thread.close();
    await expect(pending).rejects.toThrow(/chart thread stopped/);
  });

  it("does not keep a process alive once its charts are drawn", () => {
    const script = `
      import { renderChartPng } from "./apps/alerts/src/chart/render-chart-png.ts";
      const png = await renderChartPng('${SQUARE}');
      console.log(png.byteLength > 0 ? "drawn" : "empty");
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../../../../", import.meta.url).pathname,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.stdout.trim()).toBe("drawn");
    expect(run.status).toBe(0); // exited by itself: a live thread would have run into the timeout
  });
});
