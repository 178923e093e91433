import { escapeHtml } from "./format-values.ts";

/**
 * Inline SVG charts for the report: no script, no external resource. Every chart carries its
 * scale as data attributes (`data-y-min`, `data-y-max`, plot box), so a reader (or a test) can
 * map the drawn coordinates back to the values.
 */

export interface LineSeries {
  readonly name: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

const WIDTH = 960;
const PAD = { left: 70, right: 16, top: 16, bottom: 28 };

function yearTicks(times: readonly string[]): { index: number; label: string }[] {
  const ticks: { index: number; label: string }[] = [];
  let previous = "";
  for (let i = 0; i < times.length; i++) {
    const year = times[i]!.slice(0, 4);
    if (year !== previous) ticks.push({ index: i, label: year });
    previous = year;
  }
  const step = Math.ceil(ticks.length / 12);
  return ticks.filter((_, i) => i % step === 0);
}

function niceLabel(value: number, format: (v: number) => string): string {
  return escapeHtml(format(value));
}

/** A line chart over sessions (x = session index). Null values break the line. */
export function renderLineChart(options: {
  readonly id: string;
  readonly title: string;
  readonly times: readonly string[];
  readonly series: readonly LineSeries[];
  readonly height?: number;
  readonly formatY: (value: number) => string;
  /** Fill the area between the first series and 0 (drawdown). */
  readonly area?: boolean;
}): string {
  const height = options.height ?? 320;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const n = options.times.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of options.series)
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (options.area) max = Math.max(max, 0);
  if (!Number.isFinite(min)) {
    min = 0;
    max = 1;
  }
  if (max === min) {
    max += 1;
    min -= 1;
  }
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i / (n - 1)) * plotW);
  const y = (v: number) => PAD.top + ((max - v) / (max - min)) * plotH;
  const paths = options.series.map((s) => {
    let d = "";
    let pen = false;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(2)},${y(v).toFixed(2)}`;
      pen = true;
    }
    const fill =
      options.area === true && s === options.series[0] && d.length > 0
        ? `<path d="${d}L${x(s.values.length - 1).toFixed(2)},${y(0).toFixed(2)}L${x(0).toFixed(2)},${y(0).toFixed(2)}Z" fill="${s.color}" fill-opacity="0.25" stroke="none"/>`
        : "";
    return `${fill}<path class="series" data-series="${escapeHtml(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`;
  });
  const gridLines: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    const yy = y(v).toFixed(2);
    gridLines.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${yy}" y2="${yy}" stroke="#e3e6ea"/>` +
        `<text x="${PAD.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="axis">${niceLabel(v, options.formatY)}</text>`,
    );
  }
  const xTicks = yearTicks(options.times).map(
    (t) =>
      `<text x="${x(t.index).toFixed(2)}" y="${height - 8}" text-anchor="middle" class="axis">${escapeHtml(t.label)}</text>`,
  );
  const legend = options.series
    .map(
      (s, i) =>
        `<g transform="translate(${PAD.left + 10 + i * 230},${PAD.top + 4})"><rect width="14" height="4" y="4" fill="${s.color}"/><text x="20" y="10" class="legend">${escapeHtml(s.name)}</text></g>`,
    )
    .join("");
  return (
    `<svg id="${escapeHtml(options.id)}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(options.title)}" ` +
    `data-y-min="${min}" data-y-max="${max}" data-plot-top="${PAD.top}" data-plot-height="${plotH}" data-plot-left="${PAD.left}" data-plot-width="${plotW}" data-points="${n}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(options.title)}</title>${gridLines.join("")}${xTicks.join("")}${paths.join("")}${legend}</svg>`
  );
}

/** Colour of a monthly return: red below 0, green above, stronger with size (±10% saturates). */
function heatColor(value: number): string {
  const strength = Math.min(1, Math.abs(value) / 0.1);
  const light = Math.round(96 - strength * 46);
  return value >= 0 ? `hsl(140, 55%, ${light}%)` : `hsl(0, 70%, ${light}%)`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Years × months grid of monthly returns, with each year's compounded return at the end of the row. */
export function renderMonthlyHeatMap(months: readonly { month: string; return: number }[]): string {
  const years = [...new Set(months.map((m) => m.month.slice(0, 4)))].sort();
  const cellW = 62;
  const cellH = 24;
  const left = 50;
  const top = 22;
  const width = left + cellW * 13 + 8;
  const height = top + cellH * years.length + 8;
  const byMonth = new Map(months.map((m) => [m.month, m.return]));
  const cells: string[] = [];
  for (const [i, name] of MONTHS.entries()) {
    cells.push(
      `<text x="${left + i * cellW + cellW / 2}" y="${top - 7}" text-anchor="middle" class="axis">${name}</text>`,
    );
  }
  cells.push(
    `<text x="${left + 12 * cellW + cellW / 2}" y="${top - 7}" text-anchor="middle" class="axis">Year</text>`,
  );
  years.forEach((year, row) => {
    const yy = top + row * cellH;
    cells.push(
      `<text x="${left - 8}" y="${yy + cellH / 2}" text-anchor="end" dominant-baseline="middle" class="axis">${escapeHtml(year)}</text>`,
    );
    let compounded = 1;
    let any = false;
    for (let m = 0; m < 12; m++) {
      const key = `${year}-${String(m + 1).padStart(2, "0")}`;
      const value = byMonth.get(key);
      if (value === undefined) continue;
      any = true;
      compounded *= 1 + value;
      const label = `${(value * 100).toFixed(1)}%`;
      cells.push(
        `<g class="cell" data-month="${key}" data-return="${value}"><rect x="${left + m * cellW + 1}" y="${yy + 1}" width="${cellW - 2}" height="${cellH - 2}" fill="${heatColor(value)}"><title>${key}: ${escapeHtml(label)}</title></rect>` +
          `<text x="${left + m * cellW + cellW / 2}" y="${yy + cellH / 2}" text-anchor="middle" dominant-baseline="middle" class="cellText">${escapeHtml(label)}</text></g>`,
      );
    }
    if (any) {
      const value = compounded - 1;
      cells.push(
        `<g class="year" data-year="${escapeHtml(year)}" data-return="${value}"><rect x="${left + 12 * cellW + 1}" y="${yy + 1}" width="${cellW - 2}" height="${cellH - 2}" fill="${heatColor(value / 4)}" stroke="#999"/>` +
          `<text x="${left + 12 * cellW + cellW / 2}" y="${yy + cellH / 2}" text-anchor="middle" dominant-baseline="middle" class="cellText">${escapeHtml(`${(value * 100).toFixed(1)}%`)}</text></g>`,
      );
    }
  });
  return `<svg id="monthly-returns" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Monthly returns" xmlns="http://www.w3.org/2000/svg"><title>Monthly returns</title>${cells.join("")}</svg>`;
}
