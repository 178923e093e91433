/**
 * SVG → PNG with resvg (@resvg/resvg-js: the Rust SVG renderer, its native binary shipped in the
 * npm package for each platform; no system library, no install script), on a thread of its own
 * (chart-thread.ts): the ~10 ms a chart takes do not block the worker's event loop (its other
 * jobs, its Redis heartbeats), and only the PNG crosses back to it.
 *
 * Fonts: resvg draws text only with fonts it is given. We bundle DejaVu Sans
 * (`apps/alerts/assets/fonts`, Bitstream Vera licence, see the LICENSE next to it) and load ONLY
 * it, never the system's fonts: the node:24-slim image has none, a developer's machine has others,
 * and the chart must look the same, to the pixel, wherever it is rendered (the PNG test checks
 * pixels). DejaVu Sans covers Vietnamese and the ▲ ▼ arrows. Not scanning system fonts also
 * keeps each render cheaper, and the file is a subset of the font (assets/fonts/README.md):
 * resvg parses it on every render, 8 of a chart's 20 ms with the whole font, under 4 with the subset.
 */
import type { ResvgRenderOptions } from "@resvg/resvg-js";
import { findUpward } from "@vpa/runtime";
import { type ChartThread, createChartThread } from "./chart-thread.ts";
import { CHART_FONT_FAMILY } from "./render-chart-svg.ts";

/**
 * The shipped font file: `apps/alerts/assets/fonts` from the source, `dist/assets/fonts` in the
 * bundled image (tools/bundle copies it there).
 */
export const CHART_FONT_FILE = findUpward(import.meta.dirname, "assets/fonts/DejaVuSans.ttf");

/** resvg's options for every chart: the bundled font only, the SVG's own size, a white background. */
export const CHART_RESVG_OPTIONS: ResvgRenderOptions = {
  font: {
    loadSystemFonts: false,
    fontFiles: [CHART_FONT_FILE],
    defaultFontFamily: CHART_FONT_FAMILY,
    sansSerifFamily: CHART_FONT_FAMILY,
  },
  fitTo: { mode: "original" },
  background: "#ffffff",
  logLevel: "off",
};

/** One chart thread per process, started by the first chart (it keeps no process alive). */
let thread: ChartThread | null = null;

/**
 * Renders an SVG document at its own size (the chart's 800 × 450) to PNG bytes on a white
 * background.
 *
 * @example
 * const png = await renderChartPng(renderChartSvg(input)); // Uint8Array, starts with \x89PNG
 * @throws Error from resvg when the SVG does not parse; when the chart thread failed or timed out.
 */
export function renderChartPng(svg: string): Promise<Uint8Array> {
  thread ??= createChartThread({ resvg: CHART_RESVG_OPTIONS });
  return thread.render(svg);
}
