import {
  CONFIDENCE_BANDS,
  findSignalDefinition,
  groupLabelOf,
  LIQUIDITY_BANDS,
  type ReliabilityRow,
  SCORE_BANDS,
  type TrackRecord,
  type TrackRecordBand,
  type TrackRecordDimension,
  type TrackRecordGroup,
} from "@vpa/core";
import { escapeHtml, formatNumber, formatPercent } from "./format-values.ts";
import { renderLineChart } from "./svg-charts.ts";

/** What `vpa study --report` renders: the track record and what it was computed over. */
export interface StudyReportInput {
  readonly record: TrackRecord;
  /** `VN30`, `ALL` or the symbols asked for. */
  readonly universe: string;
  /** Requested symbols with no bars. */
  readonly missing: readonly string[];
  /** The horizon the breakdowns and the verdict list use. */
  readonly horizon: number;
}

const STYLE = `
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2733;margin:0;background:#f6f7f9}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#5b6776;margin:0 0 16px}.en{color:#5b6776;font-weight:normal}
.pos{color:#12813c}.neg{color:#c62828}
.verdicts{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
.verdict{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:10px 12px}
.verdict b{display:block}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#eef1f4;position:sticky;top:0}
.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e6ea;border-radius:8px}
.axis{font-size:11px;fill:#5b6776}.legend{font-size:12px;fill:#1d2733}
.scroll{max-height:520px;overflow:auto;border:1px solid #e3e6ea}
.notes li{margin-bottom:6px}footer{color:#5b6776;font-size:12px;margin-top:32px}
`;

/** "Tiếng Việt / English", the English in grey. */
function bilingual(vi: string, en: string): string {
  return `${escapeHtml(vi)} <span class="en">/ ${escapeHtml(en)}</span>`;
}

const VERDICT_TEXT: Record<TrackRecordGroup["verdict"], { vi: string; en: string; className: string }> = {
  edge: { vi: "có lợi thế", en: "edge", className: "pos" },
  "no-edge": { vi: "không có lợi thế", en: "no edge", className: "" },
  "worse-than-chance": { vi: "kém hơn ngẫu nhiên", en: "worse than chance", className: "neg" },
  "too-few": { vi: "quá ít để kết luận", en: "too few to tell", className: "" },
};

const DIMENSION_TITLES: Record<TrackRecordDimension, { vi: string; en: string }> = {
  all: { vi: "Tất cả", en: "All signals" },
  type: { vi: "Theo loại tín hiệu", en: "By signal type" },
  score: { vi: "Theo điểm", en: "By score band" },
  confidence: { vi: "Theo độ tin cậy", en: "By confidence band" },
  trend: { vi: "Theo xu hướng", en: "By trend" },
  exchange: { vi: "Theo sàn", en: "By exchange" },
  liquidity: { vi: "Theo thanh khoản (GTGD TB 20 phiên)", en: "By liquidity (20-session traded value)" },
  year: { vi: "Theo năm", en: "By year" },
};

const BIAS_TEXT = { bull: "tăng/bull", bear: "giảm/bear" } as const;

/** `SPRING` → "Cú lò xo (SPRING)"; other keys get their band label. */
function groupTitle(group: Pick<TrackRecordGroup, "dimension" | "key">): string {
  if (group.dimension === "type") {
    const definition = findSignalDefinition(group.key);
    return definition === undefined ? group.key : `${definition.label.vi} (${group.key})`;
  }
  return groupLabelOf(group.dimension, group.key);
}

const signClass = (value: number | null | undefined) =>
  value === null || value === undefined || value === 0 ? "" : value > 0 ? "pos" : "neg";

function cell(text: string, className = ""): string {
  return className === "" ? escapeHtml(text) : `<span class="${className}">${escapeHtml(text)}</span>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], id?: string): string {
  // Header cells come as HTML (bilingual spans); body cells come escaped (see cell()).
  const head = header.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table${id === undefined ? "" : ` id="${escapeHtml(id)}"`}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const interval = (i: { low: number; high: number } | null) =>
  i === null ? "—" : `${formatPercent(i.low)} … ${formatPercent(i.high)}`;

const GROUP_HEADER = [
  bilingual("Nhóm", "Group"),
  bilingual("Xu hướng TH", "Bias"),
  bilingual("Kỳ", "Horizon"),
  bilingual("Số TH", "Signals"),
  bilingual("Trúng", "Hit rate"),
  bilingual("Ngẫu nhiên", "Chance"),
  bilingual("TB ròng", "Mean net"),
  bilingual("KTC 95%", "95% interval"),
  bilingual("TB ngẫu nhiên", "Chance mean"),
  bilingual("Trung vị", "Median"),
  bilingual("Lợi thế", "Edge"),
  bilingual("KTC 95% lợi thế", "Edge 95%"),
  bilingual("Kết luận", "Verdict"),
  bilingual("Chưa đủ kỳ", "Pending"),
];

function groupRow(g: TrackRecordGroup): string[] {
  const verdict = VERDICT_TEXT[g.verdict];
  // A bear signal's edge is a lower long return: colour the edge by the signal's own direction.
  const direction = g.bias === "bull" ? 1 : -1;
  return [
    cell(groupTitle(g)),
    cell(BIAS_TEXT[g.bias]),
    cell(String(g.horizon)),
    cell(String(g.signals.count)),
    cell(formatPercent(g.signals.hitRate, 1, false)),
    cell(formatPercent(g.chance.hitRate, 1, false)),
    cell(formatPercent(g.signals.mean), signClass(g.signals.mean)),
    cell(interval(g.signals.interval)),
    cell(formatPercent(g.chance.mean), signClass(g.chance.mean)),
    cell(formatPercent(g.signals.median), signClass(g.signals.median)),
    cell(formatPercent(g.edge.mean), signClass(g.edge.mean === null ? null : g.edge.mean * direction)),
    cell(interval(g.edge.interval)),
    cell(`${verdict.vi} / ${verdict.en}`, verdict.className),
    cell(String(g.pending)),
  ];
}

const PANEL_COLORS: Record<TrackRecordGroup["verdict"], string> = {
  edge: "#12813c",
  "no-edge": "#8d99a6",
  "worse-than-chance": "#c62828",
  "too-few": "#c8cdd3",
};

/**
 * Edge over chance by signal type (rows) and horizon (panels): a dot at the edge's mean and a
 * whisker over its 95% interval, a vertical line at 0. Each panel has its own symmetric scale,
 * declared in data attributes (`data-panel-h`, `data-x-max`, `data-zero-x`, `data-half-width`).
 */
function renderEdgeChart(groups: readonly TrackRecordGroup[], horizons: readonly number[]): string {
  const rows = [...new Map(groups.map((g) => [`${g.key}|${g.bias}`, g])).values()];
  const labelWidth = 190;
  const width = 960;
  const panelWidth = (width - labelWidth - 10) / horizons.length;
  const rowHeight = 22;
  const top = 28;
  const height = top + rows.length * rowHeight + 12;
  const parts: string[] = [];
  horizons.forEach((horizon, p) => {
    const inPanel = groups.filter((g) => g.horizon === horizon && g.edge.interval !== null);
    let xMax = 0;
    for (const g of inPanel)
      xMax = Math.max(xMax, Math.abs(g.edge.interval!.low), Math.abs(g.edge.interval!.high));
    if (xMax === 0) xMax = 0.01;
    const left = labelWidth + p * panelWidth;
    const zero = left + panelWidth / 2;
    const half = panelWidth / 2 - 12;
    const x = (v: number) => zero + (v / xMax) * half;
    parts.push(
      `<g class="panel" data-panel-h="${horizon}" data-x-max="${xMax}" data-zero-x="${zero}" data-half-width="${half}">` +
        `<text x="${zero}" y="14" text-anchor="middle" class="legend">${escapeHtml(`h = ${horizon}`)} · ±${escapeHtml(formatPercent(xMax, 1, false))}</text>` +
        `<line x1="${zero}" x2="${zero}" y1="${top - 6}" y2="${height - 8}" stroke="#5b6776" stroke-dasharray="3,3"/>`,
    );
    rows.forEach((row, r) => {
      const g = groups.find((x) => x.horizon === horizon && x.key === row.key && x.bias === row.bias);
      if (g === undefined || g.edge.mean === null) return;
      const y = top + r * rowHeight + rowHeight / 2;
      const color = PANEL_COLORS[g.verdict];
      const whisker =
        g.edge.interval === null
          ? ""
          : `<line x1="${x(g.edge.interval.low).toFixed(2)}" x2="${x(g.edge.interval.high).toFixed(2)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`;
      parts.push(
        `<g class="edge" data-key="${escapeHtml(g.key)}" data-bias="${g.bias}" data-h="${horizon}" data-edge="${g.edge.mean}" data-verdict="${g.verdict}">` +
          `${whisker}<circle cx="${x(g.edge.mean).toFixed(2)}" cy="${y}" r="4" fill="${color}"/>` +
          `<title>${escapeHtml(`${groupTitle(g)} ${g.bias}, h=${horizon}: edge ${formatPercent(g.edge.mean)} (${interval(g.edge.interval)}), ${VERDICT_TEXT[g.verdict].en}`)}</title></g>`,
      );
    });
    parts.push("</g>");
  });
  rows.forEach((row, r) => {
    const y = top + r * rowHeight + rowHeight / 2;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" class="axis">${escapeHtml(`${row.key} · ${row.bias}`)}<title>${escapeHtml(groupTitle(row))}</title></text>`,
    );
  });
  return `<svg id="edge-chart" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Edge over chance by signal type and horizon" xmlns="http://www.w3.org/2000/svg"><title>Edge over chance by signal type and horizon</title>${parts.join("")}</svg>`;
}

const HORIZON_COLORS = ["#1565c0", "#ef6c00", "#6a1b9a", "#2e7d32", "#5d4037", "#00838f"];

/**
 * Reliability: mean confidence (x) against the observed hit rate (y), a point per band and
 * horizon with its Wilson interval; the diagonal is a calibrated confidence, the dashed level
 * chance's hit rate. Both axes 0–1; the plot box is in data attributes.
 */
function renderReliabilityChart(rows: readonly ReliabilityRow[], horizons: readonly number[]): string {
  const width = 960;
  const height = 360;
  const pad = { left: 60, right: 180, top: 16, bottom: 36 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (v: number) => pad.left + v * plotW;
  const y = (v: number) => pad.top + (1 - v) * plotH;
  const parts: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const v = k / 5;
    parts.push(
      `<line x1="${x(0)}" x2="${x(1)}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e6ea"/>` +
        `<text x="${x(0) - 6}" y="${y(v)}" text-anchor="end" dominant-baseline="middle" class="axis">${formatPercent(v, 0, false)}</text>` +
        `<text x="${x(v)}" y="${height - 14}" text-anchor="middle" class="axis">${v.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#5b6776" stroke-dasharray="4,4"/>`,
    `<text x="${x(0.5)}" y="${height - 1}" text-anchor="middle" class="axis">${escapeHtml("độ tin cậy TB / mean confidence")}</text>`,
  );
  horizons.forEach((horizon, i) => {
    const color = HORIZON_COLORS[i % HORIZON_COLORS.length]!;
    const points = rows.filter(
      (r) => r.horizon === horizon && r.meanConfidence !== null && r.hitRate !== null,
    );
    const chance = points.reduce(
      (sum, r) => ({
        hits: sum.hits + (r.chanceHitRate ?? 0) * r.chanceCount,
        count: sum.count + r.chanceCount,
      }),
      { hits: 0, count: 0 },
    );
    if (chance.count > 0) {
      const level = chance.hits / chance.count;
      parts.push(
        `<line class="chance-level" data-h="${horizon}" data-rate="${level}" x1="${x(0)}" x2="${x(1)}" y1="${y(level).toFixed(2)}" y2="${y(level).toFixed(2)}" stroke="${color}" stroke-opacity="0.5" stroke-dasharray="2,5"/>`,
      );
    }
    // Horizons side by side around the band's mean confidence (data-confidence keeps the value).
    const offset = (i - (horizons.length - 1) / 2) * 7;
    for (const r of points) {
      const cx = (x(r.meanConfidence!) + offset).toFixed(2);
      const whisker =
        r.hitRateInterval === null
          ? ""
          : `<line x1="${cx}" x2="${cx}" y1="${y(r.hitRateInterval.low).toFixed(2)}" y2="${y(r.hitRateInterval.high).toFixed(2)}" stroke="${color}"/>`;
      parts.push(
        `<g class="reliability" data-h="${horizon}" data-band="${escapeHtml(r.band)}" data-confidence="${r.meanConfidence}" data-hit-rate="${r.hitRate}">${whisker}` +
          `<circle cx="${cx}" cy="${y(r.hitRate!).toFixed(2)}" r="4" fill="${color}"/><title>${escapeHtml(`h=${horizon}, confidence ${r.label}: ${r.count} signals, hit ${formatPercent(r.hitRate, 1, false)} (chance ${formatPercent(r.chanceHitRate, 1, false)})`)}</title></g>`,
      );
    }
    parts.push(
      `<g transform="translate(${width - pad.right + 16},${pad.top + 10 + i * 20})"><rect width="14" height="4" y="4" fill="${color}"/><text x="20" y="10" class="legend">${escapeHtml(`h = ${horizon}`)}</text></g>`,
    );
  });
  parts.push(
    `<g transform="translate(${width - pad.right + 16},${pad.top + 20 + horizons.length * 20})"><line x2="14" y1="6" y2="6" stroke="#5b6776" stroke-dasharray="4,4"/><text x="20" y="10" class="legend">calibrated</text>` +
      `<line x2="14" y1="26" y2="26" stroke="#5b6776" stroke-dasharray="2,5"/><text x="20" y="30" class="legend">chance hit rate</text></g>`,
  );
  return `<svg id="reliability-chart" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Reliability of the confidence" data-plot-left="${pad.left}" data-plot-top="${pad.top}" data-plot-width="${plotW}" data-plot-height="${plotH}" xmlns="http://www.w3.org/2000/svg"><title>Reliability of the confidence</title>${parts.join("")}</svg>`;
}

function bandTable(title: string, bands: readonly TrackRecordBand[], id: string): string {
  return `<h3>${title}</h3>${table(
    [bilingual("Khoảng", "Band"), bilingual("Từ", "From"), bilingual("Lý do", "Why")],
    bands.map((b) => [cell(b.label), cell(Number.isFinite(b.min) ? String(b.min) : "—"), cell(b.reason)]),
    id,
  )}`;
}

/**
 * The study as one self-contained HTML page (like the backtest report: inline CSS and SVG, no
 * script, no network resource, every dynamic string escaped): edge by type and horizon, the
 * reliability chart, edge by year, the breakdown tables, and what the figures cannot say.
 */
export function renderStudyReportHtml(input: StudyReportInput): string {
  const { record, horizon } = input;
  const at = (g: TrackRecordGroup) => g.horizon === horizon;
  const types = record.groups.filter((g) => g.dimension === "type");
  const verdictLists = (Object.keys(VERDICT_TEXT) as TrackRecordGroup["verdict"][])
    .map((verdict) => {
      const names = types
        .filter((g) => at(g) && g.verdict === verdict)
        .map((g) => `${groupTitle(g)} · ${g.bias}`);
      const text = VERDICT_TEXT[verdict];
      return `<div class="verdict"><b class="${text.className}">${bilingual(text.vi, text.en)}</b>${escapeHtml(names.length === 0 ? "—" : names.join(", "))}</div>`;
    })
    .join("");
  const years = [...new Set(record.groups.filter((g) => g.dimension === "year").map((g) => g.key))].sort();
  const yearEdge = (bias: "bull" | "bear") =>
    years.map(
      (year) =>
        record.groups.find((g) => g.dimension === "year" && g.key === year && g.bias === bias && at(g))?.edge
          .mean ?? null,
    );
  const breakdowns = (
    ["all", "type", "score", "confidence", "trend", "exchange", "liquidity", "year"] as const
  )
    .map((dimension) => {
      const title = DIMENSION_TITLES[dimension];
      const rows = record.groups.filter((g) => g.dimension === dimension && at(g));
      return `<h3>${bilingual(title.vi, title.en)}</h3><div class="scroll">${table(GROUP_HEADER, rows.map(groupRow), `by-${dimension}`)}</div>`;
    })
    .join("");
  const reliabilityRows = record.reliability.map((r) => [
    cell(String(r.horizon)),
    cell(r.label),
    cell(String(r.count)),
    cell(formatNumber(r.meanConfidence, 2)),
    cell(formatPercent(r.hitRate, 1, false)),
    cell(
      r.hitRateInterval === null
        ? "—"
        : `${formatPercent(r.hitRateInterval.low, 1, false)} … ${formatPercent(r.hitRateInterval.high, 1, false)}`,
    ),
    cell(formatPercent(r.chanceHitRate, 1, false)),
  ]);
  const costs = formatPercent(record.brokerageRate, 2, false);
  const title = "Hồ sơ tín hiệu / Signal track record";
  const missing = input.missing.length === 0 ? "" : ` · no bars for ${input.missing.join(", ")}`;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${bilingual("Hồ sơ tín hiệu", "Signal track record")}</h1>
<p class="sub">${escapeHtml(`${input.universe} · ${record.symbolCount} mã/symbols · ${record.signalCount} tín hiệu/signals · ${record.from ?? "…"} → ${record.asOf} · seed ${record.seed} · brokerage ${costs}/side + 0.10% sell tax${missing}`)}</p>
<h2>${bilingual(`Tín hiệu nào đã có lợi thế (kỳ ${horizon} phiên)?`, `Which signals have had an edge (${horizon}-session horizon)?`)}</h2>
<div class="verdicts" id="verdicts">${verdictLists}</div>
<h2>${bilingual("Lợi thế so với ngẫu nhiên, theo loại và kỳ", "Edge over chance by type and horizon")}</h2>
<p class="sub">${escapeHtml("Chấm: lợi thế TB (lợi nhuận ròng của tín hiệu − của điểm vào ngẫu nhiên); vạch: KTC 95%. Dot: mean edge (signal's net return − chance's); whisker: its 95% interval. For bear signals an edge is to the left (a lower long return).")}</p>
${renderEdgeChart(types, record.horizons)}
<h2>${bilingual("Độ tin cậy có đúng không?", "Is the confidence reliable?")}</h2>
${renderReliabilityChart(record.reliability, record.horizons)}
<div class="scroll">${table(
    [
      bilingual("Kỳ", "Horizon"),
      bilingual("Độ tin cậy", "Confidence"),
      bilingual("Số TH", "Signals"),
      bilingual("TB", "Mean"),
      bilingual("Trúng", "Hit rate"),
      bilingual("KTC 95%", "95% (Wilson)"),
      bilingual("Ngẫu nhiên", "Chance"),
    ],
    reliabilityRows,
    "reliability",
  )}</div>
<h2>${bilingual(`Lợi thế theo năm (kỳ ${horizon})`, `Edge by year (horizon ${horizon})`)}</h2>
${renderLineChart({
  id: "year-chart",
  title: "Edge over chance by year",
  times: years.map((y) => `${y}-01-01`),
  series: [
    { name: "bull: signal − chance", values: yearEdge("bull"), color: "#12813c" },
    { name: "bear: signal − chance", values: yearEdge("bear"), color: "#c62828" },
  ],
  height: 240,
  formatY: (v) => formatPercent(v, 1),
})}
<h2>${bilingual(`Chi tiết (kỳ ${horizon})`, `Breakdowns (horizon ${horizon})`)}</h2>
${breakdowns}
<h2>${bilingual("Mọi loại, mọi kỳ", "Every type at every horizon")}</h2>
<div class="scroll">${table(GROUP_HEADER, types.map(groupRow), "type-by-horizon")}</div>
<h2>${bilingual("Cách đọc và giới hạn", "How to read this, and what it cannot say")}</h2>
<ul class="notes">
<li>${escapeHtml(`Mỗi tín hiệu: mua ở giá mở cửa phiên sau, bán ở giá đóng cửa h phiên sau tín hiệu, trừ phí môi giới ${costs} mỗi chiều và thuế bán 0,1%. Each signal: bought at the next session's open, sold at the close h sessions after the signal, net of ${costs} brokerage each way and the 0.1% sell tax (a round trip costs about ${formatPercent(2 * record.brokerageRate + 0.001, 2, false)}). Horizon 1 cannot be traded: T+2 forbids selling the day of purchase.`)}</li>
<li>${escapeHtml("Lợi nhuận luôn là lợi nhuận mua (long). Tín hiệu giảm 'trúng' khi lợi nhuận < 0, tín hiệu tăng khi > 0. Returns are always the long return; a bear signal hits when it is below 0, a bull signal when above. Costs make flat prices a loss, so bear signals hit more often and bull signals less: compare with chance, not with 50%.")}</li>
<li>${escapeHtml("Ngẫu nhiên: với mỗi tín hiệu, một phiên ngẫu nhiên của cùng mã, cùng năm, giao dịch y hệt. Chance: for each signal, one random session of the same stock in the same year, traded the same way. 'Edge' means the 95% interval of (signal − chance) excludes 0; an interval that includes 0 is 'no edge'.")}</li>
<li>${escapeHtml("Thiên lệch sống sót: danh sách mã hôm nay được áp cho quá khứ; các mã đã hủy niêm yết (thường là mã thua lỗ) không có trong dữ liệu, nên mọi con số — của tín hiệu lẫn ngẫu nhiên — có thể đẹp hơn thực tế. Survivorship bias: today's symbol lists are applied to the past; delisted names, more often losers, are missing, so every figure here, the signals' and chance's alike, may read better than what a trader would have lived.")}</li>
<li>${escapeHtml("Giá đã điều chỉnh cổ tức/chia tách; giá trị giao dịch những năm đầu vì thế thấp hơn thực. Lệnh mở cửa giả định khớp ở giá mở cửa (kể cả khi mở cửa ở giá trần). Trung bình nhạy với vài lợi nhuận cực lớn: đọc cùng trung vị. Prices are adjusted for dividends and splits (early traded values read low); an order is assumed to fill at the open, even at a ceiling-price open; the mean is sensitive to a few huge returns: read it with the median.")}</li>
</ul>
<h2>${bilingual("Các khoảng (dữ liệu)", "Bands (as data)")}</h2>
${bandTable(bilingual("Điểm", "Score"), SCORE_BANDS, "score-bands")}
${bandTable(bilingual("Độ tin cậy", "Confidence"), CONFIDENCE_BANDS, "confidence-bands")}
${bandTable(bilingual("Thanh khoản", "Liquidity (VND per session)"), LIQUIDITY_BANDS, "liquidity-bands")}
<footer>${escapeHtml(`Chance draws: ${record.chanceDraws.drawn} drawn, ${record.chanceDraws.waiting} waiting for a date after ${record.asOf}, ${record.chanceDraws.none} none. Intervals: percentile bootstrap (1,000 resamples) up to 1,000 values, normal approximation above. Generated by vpa study; definitions in packages/vpa-core/src/track-record/README.md.`)}</footer>
</main></body></html>
`;
}
