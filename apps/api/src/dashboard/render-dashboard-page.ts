import { escapeHtml } from "../docs/render-api-docs-html.ts";

/** A dashboard page: its path, its title (Vietnamese · English) and the body app.js fills. */
export interface DashboardPage {
  readonly id: "market" | "symbol" | "backtests" | "portfolios" | "operations";
  readonly path: string;
  readonly title: string;
  readonly body: string;
}

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  {
    id: "market",
    path: "/dashboard/",
    title: "Thị trường hôm nay · Market today",
    body: `<p class="hint" id="scan-time"></p>
<form id="filters" class="filters">
  <label>Mã · Symbol <input name="symbol" autocomplete="off" placeholder="VCB"></label>
  <label>Loại · Type <select name="type"><option value="">Tất cả · All</option></select></label>
  <label>Xu hướng · Bias <select name="bias"><option value="">Tất cả · All</option><option value="bull">Tăng · Bull</option><option value="bear">Giảm · Bear</option></select></label>
  <label>Sàn · Exchange <select name="exchange"><option value="">Tất cả · All</option><option>HOSE</option><option>HNX</option><option>UPCOM</option></select></label>
  <label>Điểm tối thiểu · Min score <input name="minScore" type="number" min="0" max="100" value="0"></label>
</form>
<table id="signals" class="data sortable"><thead><tr>
  <th data-key="symbol">Mã · Symbol</th><th data-key="exchange">Sàn · Exchange</th><th data-key="type">Loại · Type</th>
  <th data-key="bias">Xu hướng · Bias</th><th data-key="score" data-numeric="1">Điểm · Score</th>
  <th data-key="volumeRatio" data-numeric="1">KL/TB · Vol ratio</th><th data-key="close" data-numeric="1">Giá · Close</th>
</tr></thead><tbody></tbody></table>
<p id="count" class="hint"></p>`,
  },
  {
    id: "symbol",
    path: "/dashboard/symbol",
    title: "Biểu đồ mã · Symbol chart",
    body: `<form id="symbol-form" class="filters"><label>Mã · Symbol <input name="symbol" autocomplete="off" required></label>
<button type="submit">Xem · Show</button></form>
<h2 id="symbol-title"></h2>
<figure id="chart" class="chart" aria-live="polite"></figure>
<table id="symbol-signals" class="data"><thead><tr><th>Phiên · Bar</th><th>Loại · Type</th><th>Xu hướng · Bias</th><th>Điểm · Score</th><th>Xác nhận · Confirmation</th></tr></thead><tbody></tbody></table>`,
  },
  {
    id: "backtests",
    path: "/dashboard/backtests",
    title: "Kiểm định chiến lược · Backtests",
    body: `<form id="backtest-form" class="filters">
  <label>Mã · Symbols <input name="symbols" value="VN30" required></label>
  <label>Từ · From <input name="from" type="date" required value="2019-01-01"></label>
  <label>Đến · To <input name="to" type="date" required value="2019-12-31"></label>
  <label>Điểm tối thiểu · Min score <input name="minScore" type="number" min="0" max="100" value="70"></label>
  <button type="submit">Chạy · Run</button>
</form>
<p id="backtest-submitted" class="hint"></p>
<table id="backtests" class="data"><thead><tr><th>Mã chạy · Run</th><th>Kiểu · Kind</th><th>Trạng thái · Status</th><th>Tiến độ · Progress</th><th>Tạo lúc · Created</th><th>Báo cáo · Report</th></tr></thead><tbody></tbody></table>
<iframe id="report" title="Báo cáo · Report" hidden></iframe>`,
  },
  {
    id: "portfolios",
    path: "/dashboard/portfolios",
    title: "Danh mục giấy · Paper portfolios",
    body: `<table id="portfolios" class="data"><thead><tr><th>Danh mục · Portfolio</th><th>Từ · Since</th><th>Phiên cuối · Last session</th><th>Giá trị · Value (VND)</th><th>Vị thế · Positions</th><th>VN30</th></tr></thead><tbody></tbody></table>`,
  },
  {
    id: "operations",
    path: "/dashboard/operations",
    title: "Vận hành · Operations",
    body: `<h2>Hàng đợi · Queues</h2>
<table id="queues" class="data"><thead><tr><th>Hàng đợi · Queue</th><th>Worker</th><th>Chờ · Waiting</th><th>Đang chạy · Active</th><th>Hẹn · Delayed</th><th>Lỗi · Failed</th></tr></thead><tbody></tbody></table>
<h2>Dữ liệu · Freshness</h2>
<table id="freshness" class="data"><thead><tr><th>Khung · Timeframe</th><th>Mã · Symbols</th><th>Nến mới nhất · Newest bar</th></tr></thead><tbody></tbody></table>
<h2>Gửi lỗi và chưa rõ · Failed and uncertain deliveries</h2>
<table id="deliveries" class="data"><thead><tr><th>#</th><th>Mã · Symbol</th><th>Kênh · Channel</th><th>Trạng thái · Status</th><th>Lần · Attempts</th><th>Lỗi · Error</th><th>Lúc · At</th></tr></thead><tbody></tbody></table>`,
  },
];

const NAV: readonly [DashboardPage["id"], string, string][] = [
  ["market", "/dashboard/", "Thị trường · Market"],
  ["symbol", "/dashboard/symbol", "Biểu đồ · Chart"],
  ["backtests", "/dashboard/backtests", "Kiểm định · Backtests"],
  ["portfolios", "/dashboard/portfolios", "Danh mục · Portfolios"],
  ["operations", "/dashboard/operations", "Vận hành · Operations"],
];

/** A page shell: no data in it, no inline script or style (the CSP forbids both). */
export function renderDashboardPage(page: DashboardPage): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} — VPA</title>
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script></head>
<body data-page="${page.id}">
<header><strong>VPA</strong><nav>${NAV.map(
    ([id, href, label]) =>
      `<a href="${href}"${id === page.id ? ' aria-current="page"' : ""}>${escapeHtml(label)}</a>`,
  ).join("")}<a href="/api/v1/docs">API</a></nav>
<form id="key-form" class="key"><label>Khoá API · API key <input name="key" type="password" autocomplete="off" placeholder="vpa_…"></label>
<button type="submit">Lưu · Save</button><button type="button" id="sign-out">Thoát · Sign out</button></form></header>
<main><h1>${escapeHtml(page.title)}</h1>
<p id="message" role="status"></p>
${page.body}
</main></body></html>
`;
}
