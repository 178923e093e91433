// The VPA dashboard: plain ES modules, no framework, no build step. Every figure comes from the
// JSON API, called with the key kept in this tab's sessionStorage. Data reaches the page through
// textContent and DOM nodes only, never innerHTML (a symbol or an error text is never markup).

const KEY_STORAGE = "vpa.apiKey";
const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children)
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function say(text, kind = "info") {
  const message = $("#message");
  message.textContent = text;
  message.className = kind;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? "HTTP_ERROR";
  }
}

async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) throw new ApiError(401, { code: "UNAUTHENTICATED", detail: "no key" });
  const response = await fetch(`/api/v1${path}`, {
    ...options,
    headers: {
      authorization: `Bearer ${key}`,
      ...(options.body ? { "content-type": "application/json" } : {}),
    },
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem);
  }
  const type = response.headers.get("content-type") ?? "";
  return type.includes("json") ? response.json() : response.text();
}

function explainError(error) {
  if (error.status === 401) return "Cần khoá API hợp lệ · A valid API key is needed";
  if (error.status === 403)
    return "Không có quyền — trang này cần khoá admin · Forbidden — this page needs an admin key";
  if (error.status === 429) return "Quá nhiều yêu cầu, thử lại sau · Too many requests, try again shortly";
  return `Lỗi · Error: ${error.message}`;
}

const number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
const fmt = (value) => (typeof value === "number" ? number.format(value) : (value ?? "—"));
const biasLabel = (bias) => (bias === "bull" ? "▲ Tăng · Bull" : "▼ Giảm · Bear");

// ---------------------------------------------------------------------------------------------
// Market today: the signals of the newest scanned bar, sortable and filterable.

async function marketPage() {
  const newest = await api("/signals?limit=1&timeframe=1D");
  const first = newest.signals[0];
  if (!first) {
    $("#scan-time").textContent = "Chưa có tín hiệu · No signals yet";
    return;
  }
  const time = first.time;
  const rows = [];
  let cursor = null;
  do {
    const page = await api(
      `/signals?timeframe=1D&since=${encodeURIComponent(time)}&until=${encodeURIComponent(time)}&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
    );
    rows.push(...page.signals);
    cursor = page.next;
  } while (cursor);
  $("#scan-time").textContent = `Phiên · Session ${time}: ${rows.length} tín hiệu · signals`;
  const types = [...new Set(rows.map((row) => row.type))].sort();
  const typeSelect = $("#filters [name=type]");
  for (const type of types) typeSelect.append(el("option", { value: type }, type));
  let sortKey = "score";
  let descending = true;
  const render = () => {
    const form = new FormData($("#filters"));
    const symbol = String(form.get("symbol") ?? "")
      .trim()
      .toUpperCase();
    const minScore = Number(form.get("minScore") || 0);
    const shown = rows
      .filter(
        (row) =>
          (symbol === "" || row.symbol.startsWith(symbol)) &&
          (!form.get("type") || row.type === form.get("type")) &&
          (!form.get("bias") || row.bias === form.get("bias")) &&
          (!form.get("exchange") || row.exchange === form.get("exchange")) &&
          row.score >= minScore,
      )
      .sort((a, b) => {
        const x = a[sortKey];
        const y = b[sortKey];
        const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
    const body = $("#signals tbody");
    body.replaceChildren(
      ...shown.map((row) =>
        el(
          "tr",
          { "data-symbol": row.symbol, "data-type": row.type },
          el(
            "td",
            {},
            el("a", { href: `/dashboard/symbol?symbol=${encodeURIComponent(row.symbol)}` }, row.symbol),
          ),
          el("td", {}, row.exchange ?? "—"),
          el("td", {}, row.type),
          el("td", { class: row.bias }, biasLabel(row.bias)),
          el("td", { class: "num" }, row.score),
          el("td", { class: "num" }, `×${fmt(row.volumeRatio)}`),
          el("td", { class: "num" }, fmt(row.close)),
        ),
      ),
    );
    $("#count").textContent = `${shown.length} / ${rows.length} tín hiệu · signals`;
  };
  $("#filters").addEventListener("input", render);
  $("#filters").addEventListener("submit", (event) => event.preventDefault());
  for (const header of document.querySelectorAll("#signals th[data-key]")) {
    header.addEventListener("click", () => {
      descending = sortKey === header.dataset.key ? !descending : Boolean(header.dataset.numeric);
      sortKey = header.dataset.key;
      for (const other of document.querySelectorAll("#signals th")) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      render();
    });
  }
  render();
}

// ---------------------------------------------------------------------------------------------
// A symbol: its chart with the stored signals marked, and the list of those signals.

async function symbolPage() {
  const params = new URLSearchParams(location.search);
  const symbol = (params.get("symbol") ?? "").toUpperCase();
  $("#symbol-form [name=symbol]").value = symbol;
  $("#symbol-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const next = String(new FormData(event.target).get("symbol") ?? "")
      .trim()
      .toUpperCase();
    if (next) location.search = `?symbol=${encodeURIComponent(next)}`;
  });
  if (!/^[A-Z0-9]{1,12}$/.test(symbol)) return;
  $("#symbol-title").textContent = symbol;
  const [svgText, signals] = await Promise.all([
    api(`/symbols/${symbol}/chart.svg?timeframe=1D&limit=120`),
    api(`/signals?symbol=${symbol}&timeframe=1D&limit=100`),
  ]);
  // Parsed as SVG (an XML document), then adopted: no string of it is ever HTML-parsed.
  const svg = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  $("#chart").replaceChildren(document.importNode(svg, true));
  $("#symbol-signals tbody").replaceChildren(
    ...signals.signals.map((signal) =>
      el(
        "tr",
        { "data-time": signal.time },
        el("td", {}, signal.time),
        el("td", {}, signal.type),
        el("td", { class: signal.bias }, biasLabel(signal.bias)),
        el("td", { class: "num" }, signal.score),
        el(
          "td",
          {},
          signal.confirmation ? `${signal.confirmation.outcome} ${signal.confirmation.time}` : "—",
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Backtests: the list, a form to submit one, and the report of a completed one.

async function showReport(runId) {
  const html = await api(`/backtests/${encodeURIComponent(runId)}/report`);
  const frame = $("#report");
  if (frame.dataset.url) URL.revokeObjectURL(frame.dataset.url);
  const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
  frame.dataset.url = url;
  frame.dataset.run = runId;
  frame.src = url;
  frame.hidden = false;
}

async function loadBacktests() {
  const { backtests } = await api("/backtests?limit=50");
  $("#backtests tbody").replaceChildren(
    ...backtests.map((run) => {
      const report =
        run.status === "completed" && run.kind !== "sweep"
          ? el("button", { type: "button", "data-run": run.id, class: "report" }, "Mở · Open")
          : "—";
      return el(
        "tr",
        { "data-run": run.id, "data-status": run.status },
        el("td", {}, run.id),
        el("td", {}, run.kind),
        el("td", {}, run.status),
        el("td", { class: "num" }, `${Math.round(run.progress * 100)}%`),
        el("td", {}, new Date(run.createdAt).toLocaleString("vi-VN")),
        el("td", {}, report),
      );
    }),
  );
  return backtests;
}

async function backtestsPage() {
  $("#backtests").addEventListener("click", (event) => {
    const button = event.target.closest("button.report");
    if (button) showReport(button.dataset.run).catch((error) => say(explainError(error), "error"));
  });
  $("#backtest-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const symbols = String(form.get("symbols")).trim().toUpperCase();
    const config = {
      symbols: symbols === "VN30" || symbols === "ALL" ? symbols : symbols.split(/[\s,]+/).filter(Boolean),
      from: form.get("from"),
      to: form.get("to"),
      minScore: Number(form.get("minScore")),
    };
    try {
      const submitted = await api("/backtests", { method: "POST", body: JSON.stringify({ config }) });
      $("#backtest-submitted").textContent = `${submitted.runId}: ${submitted.status}`;
      $("#backtest-submitted").dataset.run = submitted.runId;
      await loadBacktests();
    } catch (error) {
      say(explainError(error), "error");
    }
  });
  await loadBacktests();
  // Runs move while the page is open: the list refreshes every 3 s while one is unfinished.
  const refresh = async () => {
    const runs = await loadBacktests().catch(() => []);
    if (runs.some((run) => run.status === "queued" || run.status === "running")) setTimeout(refresh, 3000);
  };
  setTimeout(refresh, 3000);
}

// ---------------------------------------------------------------------------------------------

async function portfoliosPage() {
  const { portfolios } = await api("/portfolios");
  $("#portfolios tbody").replaceChildren(
    ...portfolios.map((portfolio) =>
      el(
        "tr",
        {},
        el("td", {}, portfolio.name),
        el("td", {}, portfolio.startedOn),
        el("td", {}, portfolio.lastSession ?? "—"),
        el("td", { class: "num" }, fmt(portfolio.latest?.value)),
        el("td", { class: "num" }, fmt(portfolio.latest?.positions)),
        el("td", { class: "num" }, fmt(portfolio.latest?.indexClose)),
      ),
    ),
  );
  if (portfolios.length === 0) say("Chưa có danh mục · No portfolios yet (vpa portfolio create)");
}

async function operationsPage() {
  const [status, failed, uncertain] = await Promise.all([
    api("/status"),
    api("/deliveries?status=failed&limit=50"),
    api("/deliveries?status=uncertain&limit=50"),
  ]);
  $("#queues tbody").replaceChildren(
    ...status.queues.map((queue) =>
      el(
        "tr",
        { "data-queue": queue.queue },
        el("td", {}, queue.queue),
        el("td", { class: "num" }, queue.workers),
        el("td", { class: "num" }, queue.waiting + queue.prioritized),
        el("td", { class: "num" }, queue.active),
        el("td", { class: "num" }, queue.delayed),
        el("td", { class: queue.failed > 0 ? "num bear" : "num" }, queue.failed),
      ),
    ),
  );
  $("#freshness tbody").replaceChildren(
    ...status.freshness.map((row) =>
      el(
        "tr",
        {},
        el("td", {}, `${row.exchange} ${row.timeframe}`),
        el("td", { class: "num" }, row.symbols),
        el("td", {}, row.newest),
      ),
    ),
  );
  const deliveries = [...failed.deliveries, ...uncertain.deliveries];
  $("#deliveries tbody").replaceChildren(
    ...deliveries.map((delivery) =>
      el(
        "tr",
        {},
        el("td", {}, delivery.id),
        el("td", {}, delivery.symbol),
        el("td", {}, delivery.channel),
        el("td", { class: "bear" }, delivery.status),
        el("td", { class: "num" }, delivery.attempts),
        el("td", {}, delivery.error ?? ""),
        el("td", {}, new Date(delivery.claimedAt).toLocaleString("vi-VN")),
      ),
    ),
  );
}

const PAGES = {
  market: marketPage,
  symbol: symbolPage,
  backtests: backtestsPage,
  portfolios: portfoliosPage,
  operations: operationsPage,
};

function setUpKeyForm() {
  const form = $("#key-form");
  const signedIn = Boolean(sessionStorage.getItem(KEY_STORAGE));
  form.dataset.signedIn = String(signedIn);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = String(new FormData(form).get("key") ?? "").trim();
    if (key) {
      sessionStorage.setItem(KEY_STORAGE, key);
      location.reload();
    }
  });
  $("#sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
}

async function main() {
  setUpKeyForm();
  document.body.dataset.state = "loading";
  if (!sessionStorage.getItem(KEY_STORAGE)) {
    say("Nhập khoá API để xem dữ liệu · Enter an API key to see the data");
    document.body.dataset.state = "signed-out";
    return;
  }
  try {
    await PAGES[document.body.dataset.page]?.();
    document.body.dataset.state = "ready";
  } catch (error) {
    say(explainError(error), "error");
    document.body.dataset.state = "error";
  }
}

void main();
