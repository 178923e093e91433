/**
 * The chart that goes with an alert, as an SVG document: the last bars of the signal's symbol as
 * candles over volume bars, the signal bar marked, the support and resistance before it as dashed
 * lines, and a title. render-chart-png.ts turns it into the PNG the channels send.
 *
 * Pure and deterministic: the same input always gives the same string (no clock, no locale;
 * every coordinate rounded to 2 decimals), so a chart rendered by two workers is the same chart.
 *
 * Layout (800 × 450 px, {@link CHART_LAYOUT}): title and subtitle on top; the price pane; the
 * volume pane under it; price labels on the right; the first and last bar times at the bottom.
 * Bar `i` of `n` is centred at `plotLeft + (i + 0.5) · (plotRight − plotLeft) / n`. Prices map
 * linearly onto the price pane between the lowest and highest of every low, high, support and
 * resistance, widened by {@link PRICE_PADDING} of that range at both ends; volumes map onto the
 * volume pane from 0 to the largest volume.
 */

/** One bar, oldest first. Prices in thousand VND (`23.45` = 23,450 VND), volume in shares. */
export interface ChartBar {
  /** `YYYY-MM-DD` for daily bars, an ISO-8601 instant for intraday bars. */
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface ChartInput {
  /** Oldest first; the signal bar among them (normally the last). At least one bar. */
  readonly bars: readonly ChartBar[];
  /** Index of the signal bar in `bars`. */
  readonly signalIndex: number;
  /** Lowest low of the bars before the signal (thousand VND), or null to draw no line. */
  readonly support: number | null;
  /** Highest high of the bars before the signal (thousand VND), or null to draw no line. */
  readonly resistance: number | null;
  /** Which side of the bar the marker points from: below it for bull, above it for bear. */
  readonly bias: "bull" | "bear";
  /** First line, e.g. `VCB · HOSE · 1D · 2020-03-23`. Plain text: escaped here. */
  readonly title: string;
  /** Second line, e.g. `Selling climax ▲ bull · score 87`. Plain text: escaped here. */
  readonly subtitle: string;
}

export const CHART_LAYOUT = {
  width: 800,
  height: 450,
  plotLeft: 12,
  plotRight: 728,
  priceTop: 64,
  priceBottom: 330,
  volumeTop: 344,
  volumeBottom: 420,
} as const;

/** Share of the price range added above and below it, so the marker and wicks stay inside. */
export const PRICE_PADDING = 0.08;

export const CHART_COLORS = {
  up: "#1a7f37",
  down: "#cf222e",
  /** The signal bar's marker and volume bar: a colour nothing else in the chart uses. */
  signal: "#8250df",
  support: "#0969da",
  resistance: "#bc4c00",
  grid: "#eaeef2",
  text: "#1f2328",
  mutedText: "#57606a",
  background: "#ffffff",
} as const;

/** The font the PNG renderer loads (bundled: see render-chart-png.ts). */
export const CHART_FONT_FAMILY = "DejaVu Sans";

const MAX_TITLE_LENGTH = 70;
const MAX_SUBTITLE_LENGTH = 90;
const MARKER_GAP = 4;
const MARKER_HEIGHT = 10;
const MARKER_HALF_WIDTH = 6;

/** Where things go: bar centres and the price and volume scales of one chart. */
export interface ChartGeometry {
  /** Width of one bar's slot in px. */
  readonly slotWidth: number;
  barCenterX(index: number): number;
  priceY(price: number): number;
  volumeY(volume: number): number;
  /** The price range shown, padding included. */
  readonly priceMin: number;
  readonly priceMax: number;
}

/** The scales {@link renderChartSvg} draws with. */
export function chartGeometry(input: ChartInput): ChartGeometry {
  const { plotLeft, plotRight, priceTop, priceBottom, volumeTop, volumeBottom } = CHART_LAYOUT;
  const count = Math.max(1, input.bars.length);
  const slotWidth = (plotRight - plotLeft) / count;
  const prices = input.bars.flatMap((bar) => [bar.low, bar.high]);
  if (input.support !== null) prices.push(input.support);
  if (input.resistance !== null) prices.push(input.resistance);
  const finite = prices.filter(Number.isFinite);
  let low = finite.length === 0 ? 0 : Math.min(...finite);
  let high = finite.length === 0 ? 1 : Math.max(...finite);
  // A flat chart (one bar with open = high = low = close) still needs a range to map onto.
  const range = high - low || Math.abs(high) * 0.02 || 1;
  low -= range * PRICE_PADDING;
  high += range * PRICE_PADDING;
  if (high === low) high = low + 1;
  const maxVolume = Math.max(0, ...input.bars.map((bar) => bar.volume).filter(Number.isFinite));
  return {
    slotWidth,
    priceMin: low,
    priceMax: high,
    barCenterX: (index) => plotLeft + (index + 0.5) * slotWidth,
    priceY: (price) => priceBottom - ((price - low) / (high - low)) * (priceBottom - priceTop),
    volumeY: (volume) =>
      maxVolume <= 0 ? volumeBottom : volumeBottom - (volume / maxVolume) * (volumeBottom - volumeTop),
  };
}

/**
 * Renders the chart as a complete SVG document. Every element a test or a reader may look for has
 * an id: `signal-marker`, `signal-band`, `signal-volume`, `support`, `resistance`, `title`,
 * `subtitle`.
 *
 * @example
 * const svg = renderChartSvg({ bars, signalIndex: bars.length - 1, support: 21.5, resistance: 25.3,
 *   bias: "bull", title: "VCB · HOSE · 1D · 2020-03-23", subtitle: "Selling climax ▲ bull · score 87" });
 * svg.startsWith("<svg"); // true
 * @throws RangeError when there are no bars or `signalIndex` is not one of them.
 */
export function renderChartSvg(input: ChartInput): string {
  if (input.bars.length === 0) throw new RangeError("a chart needs at least one bar");
  if (
    !Number.isInteger(input.signalIndex) ||
    input.signalIndex < 0 ||
    input.signalIndex >= input.bars.length
  ) {
    throw new RangeError(`signal index ${input.signalIndex} is not one of the ${input.bars.length} bars`);
  }
  const layout = CHART_LAYOUT;
  const colors = CHART_COLORS;
  const geometry = chartGeometry(input);
  const parts: string[] = [];
  parts.push(
    // Every shape but the marker is a horizontal or vertical edge: drawn crisp (no anti-aliasing),
    // they rasterise in ~4 ms instead of ~6 (resvg) and deflate smaller; text is unaffected.
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="${CHART_FONT_FAMILY}" shape-rendering="crispEdges">`,
    `<rect width="${layout.width}" height="${layout.height}" fill="${colors.background}"/>`,
  );
  parts.push(...priceGrid(geometry));
  parts.push(signalBand(input, geometry));
  for (let index = 0; index < input.bars.length; index++) {
    parts.push(...candle(input.bars[index]!, index, index === input.signalIndex, geometry));
  }
  parts.push(...levelLine("support", "S", input.support, colors.support, geometry));
  parts.push(...levelLine("resistance", "R", input.resistance, colors.resistance, geometry));
  parts.push(signalMarker(input, geometry));
  parts.push(...timeLabels(input.bars));
  parts.push(
    `<text id="title" x="${layout.plotLeft}" y="26" font-size="18" fill="${colors.text}">${escapeSvgText(shorten(input.title, MAX_TITLE_LENGTH))}</text>`,
    `<text id="subtitle" x="${layout.plotLeft}" y="48" font-size="13" fill="${colors.mutedText}">${escapeSvgText(shorten(input.subtitle, MAX_SUBTITLE_LENGTH))}</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

function candle(bar: ChartBar, index: number, isSignal: boolean, geometry: ChartGeometry): string[] {
  const { volumeBottom } = CHART_LAYOUT;
  const color = bar.close >= bar.open ? CHART_COLORS.up : CHART_COLORS.down;
  const x = geometry.barCenterX(index);
  const bodyWidth = Math.max(1, geometry.slotWidth * 0.6);
  const bodyTop = geometry.priceY(Math.max(bar.open, bar.close));
  const bodyBottom = geometry.priceY(Math.min(bar.open, bar.close));
  const volumeTop = geometry.volumeY(bar.volume);
  const volumeColor = isSignal ? CHART_COLORS.signal : color;
  return [
    `<line x1="${n(x)}" y1="${n(geometry.priceY(bar.high))}" x2="${n(x)}" y2="${n(geometry.priceY(bar.low))}" stroke="${color}" stroke-width="1"/>`,
    `<rect x="${n(x - bodyWidth / 2)}" y="${n(bodyTop)}" width="${n(bodyWidth)}" height="${n(Math.max(1, bodyBottom - bodyTop))}" fill="${color}"/>`,
    `<rect${isSignal ? ' id="signal-volume"' : ""} x="${n(x - bodyWidth / 2)}" y="${n(volumeTop)}" width="${n(bodyWidth)}" height="${n(Math.max(0, volumeBottom - volumeTop))}" fill="${volumeColor}"${isSignal ? "" : ' fill-opacity="0.45"'}/>`,
  ];
}

/** A faint column behind the signal bar, across both panes. */
function signalBand(input: ChartInput, geometry: ChartGeometry): string {
  const { priceTop, volumeBottom } = CHART_LAYOUT;
  const x = geometry.barCenterX(input.signalIndex) - geometry.slotWidth / 2;
  return `<rect id="signal-band" x="${n(x)}" y="${priceTop}" width="${n(geometry.slotWidth)}" height="${volumeBottom - priceTop}" fill="${CHART_COLORS.signal}" fill-opacity="0.12"/>`;
}

/** A solid triangle pointing at the signal bar: up from under its low (bull), down from over its high (bear). */
function signalMarker(input: ChartInput, geometry: ChartGeometry): string {
  const bar = input.bars[input.signalIndex]!;
  const x = geometry.barCenterX(input.signalIndex);
  const half = Math.min(MARKER_HALF_WIDTH, Math.max(3, geometry.slotWidth));
  const tip =
    input.bias === "bull" ? geometry.priceY(bar.low) + MARKER_GAP : geometry.priceY(bar.high) - MARKER_GAP;
  const base = input.bias === "bull" ? tip + MARKER_HEIGHT : tip - MARKER_HEIGHT;
  return `<path id="signal-marker" d="M${n(x)} ${n(tip)}L${n(x - half)} ${n(base)}L${n(x + half)} ${n(base)}Z" fill="${CHART_COLORS.signal}" shape-rendering="geometricPrecision"/>`;
}

function levelLine(
  id: "support" | "resistance",
  letter: string,
  price: number | null,
  color: string,
  geometry: ChartGeometry,
): string[] {
  if (price === null || !Number.isFinite(price)) return [];
  const { plotLeft, plotRight } = CHART_LAYOUT;
  const y = geometry.priceY(price);
  return [
    `<line id="${id}" x1="${plotLeft}" y1="${n(y)}" x2="${plotRight}" y2="${n(y)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${plotRight + 6}" y="${n(y + 4)}" font-size="11" fill="${color}">${letter} ${escapeSvgText(formatPrice(price, 2))}</text>`,
  ];
}

/** Horizontal grid lines at round prices, labelled on the right. */
function priceGrid(geometry: ChartGeometry): string[] {
  const { plotLeft, plotRight } = CHART_LAYOUT;
  const step = niceStep((geometry.priceMax - geometry.priceMin) / 4);
  const decimals = decimalsOf(step);
  const parts: string[] = [];
  for (let price = Math.ceil(geometry.priceMin / step) * step; price <= geometry.priceMax; price += step) {
    const y = geometry.priceY(price);
    parts.push(
      `<line x1="${plotLeft}" y1="${n(y)}" x2="${plotRight}" y2="${n(y)}" stroke="${CHART_COLORS.grid}" stroke-width="1"/>`,
      `<text x="${plotRight + 6}" y="${n(y + 4)}" font-size="11" fill="${CHART_COLORS.mutedText}">${formatPrice(price, decimals)}</text>`,
    );
  }
  return parts;
}

function timeLabels(bars: readonly ChartBar[]): string[] {
  const { plotLeft, plotRight, volumeBottom } = CHART_LAYOUT;
  const y = volumeBottom + 18;
  const first = bars[0]!;
  const last = bars.at(-1)!;
  const style = `font-size="11" fill="${CHART_COLORS.mutedText}"`;
  const labels = [`<text x="${plotLeft}" y="${y}" ${style}>${escapeSvgText(formatTime(first.time))}</text>`];
  if (bars.length > 1) {
    labels.push(
      `<text x="${plotRight}" y="${y}" text-anchor="end" ${style}>${escapeSvgText(formatTime(last.time))}</text>`,
    );
  }
  return labels;
}

/** 1, 2, 2.5 or 5 times a power of ten: the grid step nearest above `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) if (raw <= factor * magnitude) return factor * magnitude;
  return 10 * magnitude;
}

/** The fewest decimals (up to 4) that write `step` exactly: 2.5 → 1, 0.05 → 2, 20 → 0. */
function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 4; decimals++) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return decimals;
  }
  return 4;
}

/** `2020-03-23` stays; an intraday instant `2024-01-02T09:15:00+07:00` becomes `01-02 09:15`. */
function formatTime(time: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(time) ? `${time.slice(5, 10)} ${time.slice(11, 16)}` : time;
}

/** Thousand VND with a fixed number of decimals, no grouping: `23.45`. */
function formatPrice(price: number, decimals: number): string {
  return price.toFixed(decimals);
}

/** A coordinate as text: at most 2 decimals, no trailing zeros, never `-0`. */
function n(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

function shorten(text: string, maxLength: number): string {
  // Control characters and lone surrogates are not allowed in XML: the SVG would not parse.
  const codePoints = Array.from(text.toWellFormed().replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " "));
  return codePoints.length <= maxLength
    ? codePoints.join("")
    : `${codePoints.slice(0, maxLength - 1).join("")}…`;
}

const SVG_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for SVG (XML) content and attributes. */
export function escapeSvgText(value: string): string {
  return value.replace(/[&<>"']/g, (character) => SVG_ESCAPES[character] ?? character);
}
