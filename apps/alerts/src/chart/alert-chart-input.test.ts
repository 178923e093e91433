import { describe, expect, it } from "vitest";
import { alertChartInput, type ChartedSignal } from "./alert-chart-input.ts";
import type { ChartBar } from "./render-chart-svg.ts";

const bars: ChartBar[] = Array.from({ length: 30 }, (_, i) => ({
  time: new Date(Date.UTC(2020, 1, 1) + i * 86_400_000).toISOString().slice(0, 10),
  open: 20 + i,
  high: 21 + i,
  low: 19 + i,
  close: 20.5 + i,
  volume: 1_000 + i,
}));

const signal: ChartedSignal = {
  symbol: "VCB",
  exchange: "HOSE",
  timeframe: "1D",
  time: bars.at(-1)!.time,
  type: "SELLING_CLIMAX",
  variant: null,
  bias: "bull",
  score: 87,
};

describe("alertChartInput", () => {
  it("marks the signal's own bar and takes the levels of the 20 bars before it", () => {
    const chart = alertChartInput(signal, bars)!;
    expect(chart.input.signalIndex).toBe(29);
    expect(chart.input.support).toBe(19 + 9); // lowest low of bars 9..28
    expect(chart.input.resistance).toBe(21 + 28); // highest high of bars 9..28
    expect(chart.input.bias).toBe("bull");
  });

  it("titles the chart with symbol, exchange, timeframe and bar time, the signal in English and Vietnamese", () => {
    const chart = alertChartInput(signal, bars)!;
    expect(chart.input.title).toBe("VCB · HOSE · 1D · 2020-03-01");
    expect(chart.input.subtitle).toBe("Selling climax · Cao trào bán ▲ bull · score 87");
  });

  it("describes the chart for readers who do not see it", () => {
    expect(alertChartInput(signal, bars)!.alt).toBe(
      "Chart of VCB (1D): the last 30 bars to 2020-03-01, candles over volume; the Selling climax bar (bull) " +
        "is marked; support 28.00 and resistance 49.00 thousand VND over the 20 bars before it.",
    );
  });

  it("writes an intraday bar time as date and minute, and leaves out a missing exchange", () => {
    const intraday = bars.map((bar, i) => ({
      ...bar,
      time: `2024-01-02T09:${String(i).padStart(2, "0")}:00+07:00`,
    }));
    const chart = alertChartInput(
      { ...signal, exchange: null, timeframe: "1m", time: intraday[12]!.time, bias: "bear" },
      intraday,
    )!;
    expect(chart.input.title).toBe("VCB · 1m · 2024-01-02 09:12");
    expect(chart.input.signalIndex).toBe(12);
    expect(chart.input.subtitle).toContain("▼ bear");
  });

  it("has no chart when the signal's bar is not among the bars", () => {
    expect(alertChartInput({ ...signal, time: "2021-01-01" }, bars)).toBeNull();
    expect(alertChartInput(signal, [])).toBeNull();
  });
});
