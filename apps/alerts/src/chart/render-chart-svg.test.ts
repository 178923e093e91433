import { describe, expect, it } from "vitest";
import {
  CHART_COLORS,
  CHART_LAYOUT,
  type ChartBar,
  type ChartInput,
  chartGeometry,
  escapeSvgText,
  renderChartSvg,
} from "./render-chart-svg.ts";
import { supportAndResistance } from "./support-resistance.ts";

// Four bars whose lows and highs span 10..20 thousand VND; the last is the signal.
const bars: ChartBar[] = [
  { time: "2020-03-18", open: 12, high: 20, low: 10, close: 15, volume: 100 },
  { time: "2020-03-19", open: 15, high: 18, low: 11, close: 13, volume: 200 },
  { time: "2020-03-20", open: 13, high: 17, low: 12, close: 16, volume: 400 },
  { time: "2020-03-23", open: 16, high: 19, low: 14, close: 18, volume: 800 },
];

const input: ChartInput = {
  bars,
  signalIndex: 3,
  support: 10,
  resistance: 20,
  bias: "bull",
  title: "VCB · HOSE · 1D · 2020-03-23",
  subtitle: "Selling climax ▲ bull · score 87",
};

/** The attributes of the element with this id, as a map. */
function element(svg: string, id: string): Record<string, string> {
  const match = new RegExp(`<(\\w+) id="${id}"([^>]*)/?>`).exec(svg);
  if (match === null) throw new Error(`no element #${id}`);
  return Object.fromEntries([...match[2]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

function textOf(svg: string, id: string): string {
  const match = new RegExp(`<text id="${id}"[^>]*>([^<]*)</text>`).exec(svg);
  if (match === null) throw new Error(`no text #${id}`);
  return match[1]!;
}

describe("renderChartSvg", () => {
  it("is an 800 × 450 SVG document in the bundled font", () => {
    const svg = renderChartSvg(input);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="800" height="450"/);
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("marks the signal bar at its slot: centre x = 12 + 3.5 × 716 / 4 = 638.5", () => {
    const svg = renderChartSvg(input);
    // Bull: a triangle pointing up from 4 px under the signal bar's low (14 → y 219.93).
    // y(p) = 330 − (p − 9.2) / 11.6 × 266: the 10..20 range padded by 8 % (0.8) at both ends.
    expect(element(svg, "signal-marker")).toMatchObject({
      d: "M638.5 223.93L632.5 233.93L644.5 233.93Z",
      fill: CHART_COLORS.signal,
    });
    expect(element(svg, "signal-band")).toMatchObject({ x: "549", width: "179" });
    // The signal's volume bar, the largest, reaches the top of the volume pane.
    expect(element(svg, "signal-volume")).toMatchObject({
      y: "344",
      height: "76",
      fill: CHART_COLORS.signal,
    });
  });

  it("points the marker down from above the high for a bear signal", () => {
    const svg = renderChartSvg({ ...input, bias: "bear", signalIndex: 1 });
    // Bar 1: centre 12 + 1.5 × 179 = 280.5; high 18 → y = 330 − 8.8 / 11.6 × 266 = 128.21.
    expect(element(svg, "signal-marker").d).toBe("M280.5 124.21L274.5 114.21L286.5 114.21Z");
  });

  it("draws support and resistance as horizontal lines at their prices, labelled", () => {
    const svg = renderChartSvg(input);
    // 10 → 330 − 0.8 / 11.6 × 266 = 311.66; 20 → 330 − 10.8 / 11.6 × 266 = 82.34.
    expect(element(svg, "support")).toMatchObject({ y1: "311.66", y2: "311.66", x1: "12", x2: "728" });
    expect(element(svg, "resistance")).toMatchObject({ y1: "82.34", y2: "82.34" });
    expect(svg).toContain(">S 10.00</text>");
    expect(svg).toContain(">R 20.00</text>");
  });

  it("leaves out a level that is null", () => {
    const svg = renderChartSvg({ ...input, support: null, resistance: null });
    expect(svg).not.toContain('id="support"');
    expect(svg).not.toContain('id="resistance"');
  });

  it("escapes < & and quotes in the title and subtitle", () => {
    const svg = renderChartSvg({ ...input, title: `A<b>&"C'`, subtitle: "x</text><script>y" });
    expect(textOf(svg, "title")).toBe("A&lt;b&gt;&amp;&quot;C&#39;");
    expect(textOf(svg, "subtitle")).toBe("x&lt;/text&gt;&lt;script&gt;y");
    expect(svg).not.toContain("<script>");
  });

  it("keeps control characters and lone surrogates out (XML forbids them)", () => {
    const svg = renderChartSvg({ ...input, title: "VCB\u0000\u0007\ud800" });
    expect(textOf(svg, "title")).toBe("VCB  \ufffd");
  });

  it("shortens a long title with an ellipsis", () => {
    expect(textOf(renderChartSvg({ ...input, title: "x".repeat(200) }), "title")).toBe(`${"x".repeat(69)}…`);
  });

  it("labels the first and last bar times, intraday ones as MM-DD HH:MM", () => {
    expect(renderChartSvg(input)).toContain(">2020-03-18</text>");
    const intraday = bars.map((bar, i) => ({ ...bar, time: `2024-01-02T09:${15 + i}:00+07:00` }));
    const svg = renderChartSvg({ ...input, bars: intraday });
    expect(svg).toContain(">01-02 09:15</text>");
    expect(svg).toContain(">01-02 09:18</text>");
  });

  it("is deterministic", () => {
    expect(renderChartSvg(input)).toBe(renderChartSvg(structuredClone(input)));
  });

  it("draws a single flat bar without dividing by zero", () => {
    const flat = { time: "2020-03-23", open: 5, high: 5, low: 5, close: 5, volume: 0 };
    const svg = renderChartSvg({ ...input, bars: [flat], signalIndex: 0, support: null, resistance: null });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(element(svg, "signal-marker").d).toMatch(/^M370 /); // 12 + 0.5 × 716
  });

  it("refuses a signal index outside the bars", () => {
    expect(() => renderChartSvg({ ...input, signalIndex: 4 })).toThrow(RangeError);
    expect(() => renderChartSvg({ ...input, bars: [] })).toThrow(RangeError);
  });
});

describe("chartGeometry", () => {
  it("maps the padded price range onto the price pane, top to bottom", () => {
    const geometry = chartGeometry(input);
    expect(geometry.priceMin).toBeCloseTo(9.2, 10);
    expect(geometry.priceMax).toBeCloseTo(20.8, 10);
    expect(geometry.priceY(geometry.priceMin)).toBeCloseTo(CHART_LAYOUT.priceBottom, 10);
    expect(geometry.priceY(geometry.priceMax)).toBeCloseTo(CHART_LAYOUT.priceTop, 10);
  });
});

describe("supportAndResistance", () => {
  it("takes the lowest low and highest high of the 20 bars before the signal, not the signal bar", () => {
    const many: ChartBar[] = Array.from({ length: 60 }, (_, i) => ({
      time: `t${i}`,
      open: 50,
      high: 60 + i, // rises: the highest of bars 39..58 is bar 58's
      low: 40 - i, // falls: the lowest of bars 39..58 is bar 58's
      close: 50,
      volume: 1,
    }));
    expect(supportAndResistance(many, 59)).toEqual({ support: 40 - 58, resistance: 60 + 58 });
    // Bars before index 39 do not count: at index 30, bars 10..29.
    expect(supportAndResistance(many, 30)).toEqual({ support: 40 - 29, resistance: 60 + 29 });
  });

  it("uses what there is before the signal, and nothing for the first bar", () => {
    expect(supportAndResistance(bars, 3)).toEqual({ support: 10, resistance: 20 });
    expect(supportAndResistance(bars, 0)).toEqual({ support: null, resistance: null });
  });
});

describe("escapeSvgText", () => {
  it("escapes the five XML specials", () => {
    expect(escapeSvgText(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;",
    );
  });
});
