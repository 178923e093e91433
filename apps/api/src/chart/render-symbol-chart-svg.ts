/**
 * A symbol's chart for the dashboard: candles over volume bars with every stored signal of the
 * range marked (▲ under the bar for bull, ▼ over it for bear), each marker with its explanation as
 * an SVG `<title>` (the browser shows it on hover) and `data-*` attributes a page or test can read.
 *
 * Pure and deterministic, on the alert chart's layout and colours (apps/alerts/src/chart), which
 * draws one signal; this one draws any number. Presentation attributes only, no `style`: the
 * dashboard's Content-Security-Policy allows no inline styles.
 */
import {
  CHART_COLORS,
  CHART_FONT_FAMILY,
  CHART_LAYOUT,
  escapeSvgText,
  PRICE_PADDING,
} from "../../../alerts/src/chart/render-chart-svg.ts";

export interface SymbolChartBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface SymbolChartSignal {
  readonly id: number;
  /** The signal's bar time, as the bars' times. */
  readonly time: string;
  readonly type: string;
  readonly bias: "bull" | "bear";
  readonly score: number;
  /** One line shown on hover, e.g. `SPRING · score 82 · vol ×2.4`. */
  readonly explanation: string;
}

export interface SymbolChartInput {
  readonly title: string;
  readonly bars: readonly SymbolChartBar[];
  readonly signals: readonly SymbolChartSignal[];
}

const round = (value: number) => Math.round(value * 100) / 100;

export function renderSymbolChartSvg(input: SymbolChartInput): string {
  const { width, height, plotLeft, plotRight, priceTop, priceBottom, volumeTop, volumeBottom } = CHART_LAYOUT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeSvgText(input.title)}" font-family="${CHART_FONT_FAMILY}, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="${CHART_COLORS.background}"/>`,
    `<text x="${plotLeft}" y="28" font-size="18" fill="${CHART_COLORS.text}">${escapeSvgText(input.title)}</text>`,
  ];
  const bars = input.bars;
  if (bars.length === 0) {
    parts.push(
      `<text x="${plotLeft}" y="${priceTop + 40}" font-size="14" fill="${CHART_COLORS.mutedText}">Không có dữ liệu · No bars</text>`,
      "</svg>",
    );
    return parts.join("");
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let maxVolume = 0;
  for (const bar of bars) {
    low = Math.min(low, bar.low);
    high = Math.max(high, bar.high);
    maxVolume = Math.max(maxVolume, bar.volume);
  }
  const padding = (high - low || Math.abs(high) || 1) * PRICE_PADDING;
  low -= padding;
  high += padding;
  const step = (plotRight - plotLeft) / bars.length;
  const bodyWidth = Math.max(1, step * 0.6);
  const x = (i: number) => plotLeft + (i + 0.5) * step;
  const y = (price: number) => priceTop + ((high - price) / (high - low)) * (priceBottom - priceTop);
  const volumeY = (volume: number) =>
    volumeBottom - (maxVolume === 0 ? 0 : (volume / maxVolume) * (volumeBottom - volumeTop));

  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const price = low + (high - low) * fraction;
    const lineY = round(y(price));
    parts.push(
      `<line x1="${plotLeft}" y1="${lineY}" x2="${plotRight}" y2="${lineY}" stroke="${CHART_COLORS.grid}"/>`,
      `<text x="${plotRight + 6}" y="${lineY + 4}" font-size="11" fill="${CHART_COLORS.mutedText}">${round(price)}</text>`,
    );
  }
  const index = new Map(bars.map((bar, i) => [bar.time, i]));
  bars.forEach((bar, i) => {
    const color = bar.close >= bar.open ? CHART_COLORS.up : CHART_COLORS.down;
    const top = round(y(Math.max(bar.open, bar.close)));
    const bodyHeight = Math.max(1, round(Math.abs(y(bar.open) - y(bar.close))));
    parts.push(
      `<g class="bar" data-time="${escapeSvgText(bar.time)}">`,
      `<line x1="${round(x(i))}" y1="${round(y(bar.high))}" x2="${round(x(i))}" y2="${round(y(bar.low))}" stroke="${color}"/>`,
      `<rect x="${round(x(i) - bodyWidth / 2)}" y="${top}" width="${round(bodyWidth)}" height="${bodyHeight}" fill="${color}"/>`,
      `<rect x="${round(x(i) - bodyWidth / 2)}" y="${round(volumeY(bar.volume))}" width="${round(bodyWidth)}" height="${round(volumeBottom - volumeY(bar.volume))}" fill="${color}" opacity="0.5"/>`,
      "</g>",
    );
  });
  for (const signal of input.signals) {
    const i = index.get(signal.time);
    if (i === undefined) continue;
    const bar = bars[i] as SymbolChartBar;
    const cx = round(x(i));
    const half = 6;
    const points =
      signal.bias === "bull"
        ? `${cx},${round(y(bar.low) + 4)} ${cx - half},${round(y(bar.low) + 16)} ${cx + half},${round(y(bar.low) + 16)}`
        : `${cx},${round(y(bar.high) - 4)} ${cx - half},${round(y(bar.high) - 16)} ${cx + half},${round(y(bar.high) - 16)}`;
    parts.push(
      `<g class="signal-marker" data-signal-id="${signal.id}" data-time="${escapeSvgText(signal.time)}" data-type="${escapeSvgText(signal.type)}" data-bias="${signal.bias}">`,
      `<title>${escapeSvgText(`${signal.time} · ${signal.explanation}`)}</title>`,
      `<polygon points="${points}" fill="${CHART_COLORS.signal}"/>`,
      "</g>",
    );
  }
  const first = bars[0] as SymbolChartBar;
  const last = bars.at(-1) as SymbolChartBar;
  parts.push(
    `<text x="${plotLeft}" y="${height - 10}" font-size="11" fill="${CHART_COLORS.mutedText}">${escapeSvgText(first.time)}</text>`,
    `<text x="${plotRight}" y="${height - 10}" font-size="11" text-anchor="end" fill="${CHART_COLORS.mutedText}">${escapeSvgText(last.time)}</text>`,
    "</svg>",
  );
  return parts.join("");
}
