import { describe, expect, it } from "vitest";
import { decodePng, PNG_SIGNATURE, readPngSize } from "../../test/support/decode-png.ts";
import { renderChartPng } from "./render-chart-png.ts";
import {
  CHART_COLORS,
  CHART_LAYOUT,
  type ChartBar,
  type ChartInput,
  renderChartSvg,
} from "./render-chart-svg.ts";
import { supportAndResistance } from "./support-resistance.ts";

/** 60 daily bars of a made-up, deterministic walk around 23 thousand VND. */
function sampleBars(count = 60): ChartBar[] {
  return Array.from({ length: count }, (_, i) => {
    const open = 23 + Math.sin(i / 5) * 2;
    const close = open + Math.cos(i / 3) * 0.6;
    const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    return {
      time: day,
      open,
      close,
      high: Math.max(open, close) + 0.4,
      low: Math.min(open, close) - 0.4,
      volume: 1_000_000 + ((i * 7919) % 13) * 150_000,
    };
  });
}

function sampleInput(signalIndex: number, bias: "bull" | "bear" = "bull"): ChartInput {
  const bars = sampleBars();
  return {
    bars,
    signalIndex,
    ...supportAndResistance(bars, signalIndex),
    bias,
    title: "VCB · HOSE · 1D · 2020-02-29",
    subtitle: "Selling climax ▲ bull · score 87 · Ngân hàng",
  };
}

/** Rows (y) of column x whose pixel is exactly `color`. */
function rowsWithColor(png: ReturnType<typeof decodePng>, x: number, color: string): number[] {
  const rows: number[] = [];
  for (let y = 0; y < png.height; y++) if (png.colorAt(x, y) === color) rows.push(y);
  return rows;
}

describe("renderChartPng", () => {
  it("writes an 800 × 450 PNG", async () => {
    const png = await renderChartPng(renderChartSvg(sampleInput(59)));
    expect(Buffer.from(png.subarray(0, 8)).equals(Buffer.from(PNG_SIGNATURE))).toBe(true);
    expect(readPngSize(png)).toEqual({ width: CHART_LAYOUT.width, height: CHART_LAYOUT.height });
    expect(png.byteLength).toBeLessThan(200_000); // a Telegram photo or an email part, not a file
  });

  it("paints the signal marker's colour in the signal bar's column, and not in another bar's", async () => {
    const signalIndex = 59;
    const input = sampleInput(signalIndex);
    const image = decodePng(await renderChartPng(renderChartSvg(input)));
    const slot = (CHART_LAYOUT.plotRight - CHART_LAYOUT.plotLeft) / input.bars.length;
    const signalX = Math.floor(CHART_LAYOUT.plotLeft + (signalIndex + 0.5) * slot);
    const marked = rowsWithColor(image, signalX, CHART_COLORS.signal);
    // The marker triangle (in the price pane) and the signal's volume bar (in the volume pane).
    expect(marked.some((y) => y > CHART_LAYOUT.priceTop && y < CHART_LAYOUT.volumeTop)).toBe(true);
    expect(marked.some((y) => y > CHART_LAYOUT.volumeTop && y < CHART_LAYOUT.volumeBottom)).toBe(true);
    const otherX = Math.floor(CHART_LAYOUT.plotLeft + 10.5 * slot);
    expect(rowsWithColor(image, otherX, CHART_COLORS.signal)).toEqual([]);
  });

  it("marks a bar in the middle of the chart where its x says", async () => {
    const input = sampleInput(30, "bear");
    const image = decodePng(await renderChartPng(renderChartSvg(input)));
    const slot = (CHART_LAYOUT.plotRight - CHART_LAYOUT.plotLeft) / input.bars.length;
    const x = Math.floor(CHART_LAYOUT.plotLeft + 30.5 * slot);
    expect(rowsWithColor(image, x, CHART_COLORS.signal).length).toBeGreaterThan(5);
    expect(
      rowsWithColor(image, Math.floor(CHART_LAYOUT.plotLeft + 59.5 * slot), CHART_COLORS.signal),
    ).toEqual([]);
  });

  it("draws the title's text with the bundled font (dark pixels where the title is)", async () => {
    const image = decodePng(await renderChartPng(renderChartSvg(sampleInput(59))));
    let dark = 0;
    for (let y = 8; y < 32; y++) {
      for (let x = 12; x < 300; x++) if (image.colorAt(x, y) === CHART_COLORS.text) dark++;
    }
    expect(dark).toBeGreaterThan(50);
  });

  it("renders the same bytes twice (the font is bundled, not the machine's)", async () => {
    const svg = renderChartSvg(sampleInput(59));
    expect(Buffer.from(await renderChartPng(svg)).equals(Buffer.from(await renderChartPng(svg)))).toBe(true);
  });

  it("prints the time one chart takes (SVG build + PNG), for the record", async () => {
    const input = sampleInput(59);
    await renderChartPng(renderChartSvg(input)); // warm-up: font file, native module
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await renderChartPng(renderChartSvg(input));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `chart render (60 bars, 800x450): median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    );
    expect(median).toBeGreaterThan(0);
  });
});
