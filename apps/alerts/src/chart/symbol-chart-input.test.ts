import { describe, expect, it } from "vitest";
import { alertChartInput, type ChartedSignal } from "./alert-chart-input.ts";
import type { ChartBar } from "./render-chart-svg.ts";
import { symbolChartInput } from "./symbol-chart-input.ts";

const bars: ChartBar[] = Array.from({ length: 30 }, (_, i) => ({
  time: new Date(Date.UTC(2020, 1, 1) + i * 86_400_000).toISOString().slice(0, 10),
  open: 20 + i,
  high: 21 + i,
  low: 19 + i,
  close: 20.5 + i,
  volume: 1_000 + i,
}));

const signalAt = (index: number): ChartedSignal => ({
  symbol: "VCB",
  exchange: "HOSE",
  timeframe: "1D",
  time: bars[index]!.time,
  type: "SELLING_CLIMAX",
  variant: null,
  bias: "bull",
  score: 87,
});

describe("symbolChartInput (/chart)", () => {
  it("is the alert's own chart when the newest signal is on the newest bar", () => {
    const chart = symbolChartInput({ symbol: "VCB", exchange: "HOSE", bars, signal: signalAt(29) })!;
    expect(chart).toEqual(alertChartInput(signalAt(29), bars));
  });

  it("marks an older signal among the bars, dated, under a title of the newest bar", () => {
    const chart = symbolChartInput({ symbol: "VCB", exchange: "HOSE", bars, signal: signalAt(25) })!;
    expect(chart.input.signalIndex).toBe(25);
    expect(chart.input.title).toBe(`VCB · HOSE · 1D · ${bars[29]!.time}`);
    expect(chart.input.subtitle).toBe(`Selling climax · Cao trào bán ▲ bull · score 87 · ${bars[25]!.time}`);
  });

  it("without a signal marks the newest bar and says there is none; nothing without bars", () => {
    const chart = symbolChartInput({ symbol: "FPT", exchange: null, bars, signal: null })!;
    expect(chart.input.signalIndex).toBe(29);
    expect(chart.input.title).toBe(`FPT · 1D · ${bars[29]!.time}`);
    expect(chart.input.subtitle).toBe("No signal in the last 30 bars · last close 49.50");
    expect(chart.alt).toContain("no signal among them");
    expect(symbolChartInput({ symbol: "FPT", exchange: null, bars: [], signal: null })).toBeNull();
  });
});
