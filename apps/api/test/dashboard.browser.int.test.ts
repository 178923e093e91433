/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core, against
 * a listening API on the fixture's data. Each page loads without a console error; the market page
 * filters and sorts the newest session's signals; the symbol page's chart has a marker at the date
 * of each stored signal, with its explanation on hover; a submitted backtest finishes (a backtest
 * worker runs in-process) and its report opens; a reader key is refused the operations page, an
 * admin key sees the queues. A screenshot of each page is saved under .vpa/test-artifacts/dashboard.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { startBacktestWorker } from "@vpa/backtest";
import { QUEUE_NAMES } from "@vpa/runtime";
import type { Worker } from "bullmq";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTool } from "../../../tools/dev-services/src/find-tool.ts";
import { type ApiServer, startApiServer } from "../src/start-api-server.ts";
import { type ApiFixture, startApiFixture } from "./support/api-test-fixture.ts";

const ARTIFACTS = resolve(import.meta.dirname, "../../../.vpa/test-artifacts/dashboard");

let fixture: ApiFixture;
let server: ApiServer;
let browser: Browser;
let worker: Worker;
let base: string;

beforeAll(async () => {
  fixture = await startApiFixture();
  server = await startApiServer(fixture.context, { port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${server.port}`;
  worker = startBacktestWorker({
    db: fixture.database.db,
    connection: fixture.connection,
    metrics: fixture.metrics,
    logger: fixture.context.logger,
    concurrency: 1,
  });
  // Fails with the package to install when Chromium is missing (./vpa test installs it as root).
  const executablePath = await findTool("chromium");
  // --no-sandbox: the test machines run as root, where Chromium's sandbox refuses to start.
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await server?.close();
  await fixture?.close();
});

/** A page that records every console error and uncaught exception. */
async function openPage(width = 1280, height = 900): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    // A refused API call (the 403 the reader test provokes) is the browser's own log, not the page's.
    if (
      message.type() === "error" &&
      !/Failed to load resource: the server responded with a status of 403/.test(message.text())
    )
      errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

async function signIn(page: Page, secret: string, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.fill("#key-form [name=key]", secret);
  await page.click("#key-form button[type=submit]");
  await page.waitForSelector("body[data-state=ready], body[data-state=error]");
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });

describe("dashboard in Chromium", () => {
  it("market today: the newest session's signals, filtered and sorted; a symbol's chart marks its signals", async () => {
    const { page, errors } = await openPage();
    await signIn(page, fixture.keys.reader, "/dashboard/");
    expect(await page.getAttribute("body", "data-state")).toBe("ready");
    const today = fixture.sessions[79] as string;
    expect(await page.textContent("#scan-time")).toContain(today);
    const symbols = () =>
      page.$$eval("#signals tbody tr", (rows) => rows.map((row) => row.getAttribute("data-symbol")));
    // Sorted by score, highest first: FPT 88, SHB 72, VCB 66, SHB 55.
    expect(await symbols()).toEqual(["FPT", "SHB", "VCB", "SHB"]);
    await shot(page, "market");

    await page.selectOption("#filters [name=bias]", "bear");
    expect(await symbols()).toEqual(["FPT", "SHB"]);
    await page.selectOption("#filters [name=exchange]", "HNX");
    expect(await symbols()).toEqual(["SHB"]);
    await page.selectOption("#filters [name=exchange]", "");
    await page.selectOption("#filters [name=bias]", "");
    await page.fill("#filters [name=minScore]", "70");
    expect(await symbols()).toEqual(["FPT", "SHB"]);
    await page.click('#signals th[data-key="symbol"]');
    expect(await symbols()).toEqual(["FPT", "SHB"]);
    await page.click('#signals th[data-key="symbol"]');
    expect(await symbols()).toEqual(["SHB", "FPT"]);

    await page.click('#signals a[href="/dashboard/symbol?symbol=FPT"]');
    await page.waitForSelector("body[data-state=ready]");
    const markers = await page.$$eval("#chart svg .signal-marker", (nodes) =>
      nodes.map((node) => ({
        time: node.getAttribute("data-time"),
        type: node.getAttribute("data-type"),
        title: node.querySelector("title")?.textContent ?? "",
      })),
    );
    expect(markers.map((m) => m.time).sort()).toEqual([fixture.sessions[60], fixture.sessions[79]].sort());
    expect(markers.find((m) => m.time === today)).toMatchObject({ type: "UPTHRUST" });
    expect(markers.find((m) => m.time === today)?.title).toMatch(/UPTHRUST ▼ · điểm\/score 88/);
    // The marker sits on its bar: the candle drawn at the same x.
    const aligned = await page.$$eval("#chart svg .signal-marker", (nodes) =>
      nodes.every((node) => {
        const bar = node.ownerSVGElement?.querySelector(
          `.bar[data-time="${node.getAttribute("data-time")}"] line`,
        );
        const polygon = node.querySelector("polygon")?.getAttribute("points")?.split(" ")[0]?.split(",")[0];
        return bar !== null && bar !== undefined && Number(bar.getAttribute("x1")) === Number(polygon);
      }),
    );
    expect(aligned).toBe(true);
    expect(
      await page.$$eval("#symbol-signals tbody tr", (rows) =>
        rows.map((row) => row.getAttribute("data-time")),
      ),
    ).toEqual([fixture.sessions[79], fixture.sessions[60]]);
    await shot(page, "symbol");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("works on a phone screen: the market table scrolls inside the page, not the page sideways", async () => {
    const { page, errors } = await openPage(390, 844);
    await signIn(page, fixture.keys.reader, "/dashboard/");
    // Strings run in the page (the test's TypeScript has no DOM types).
    const overflow = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "market-phone");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("refuses the operations page to a reader key and shows the queues to an admin key", async () => {
    const { page, errors } = await openPage();
    await signIn(page, fixture.keys.reader, "/dashboard/operations");
    expect(await page.getAttribute("body", "data-state")).toBe("error");
    expect(await page.textContent("#message")).toMatch(/Không có quyền.*Forbidden/);
    expect(await page.$$eval("#queues tbody tr", (rows) => rows.length)).toBe(0);
    await shot(page, "operations-reader");

    await page.click("#sign-out");
    await signIn(page, fixture.keys.admin, "/dashboard/operations");
    expect(await page.getAttribute("body", "data-state")).toBe("ready");
    expect(
      await page.$$eval("#queues tbody tr", (rows) => rows.map((row) => row.getAttribute("data-queue"))),
    ).toEqual(QUEUE_NAMES);
    await shot(page, "operations-admin");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("submits a backtest that finishes, and opens its report", async () => {
    const { page, errors } = await openPage();
    await signIn(page, fixture.keys.trader, "/dashboard/backtests");
    await page.fill("#backtest-form [name=symbols]", "VCB,FPT");
    await page.fill("#backtest-form [name=from]", fixture.sessions[0] as string);
    await page.fill("#backtest-form [name=to]", fixture.sessions[79] as string);
    await page.fill("#backtest-form [name=minScore]", "50");
    await page.click("#backtest-form button[type=submit]");
    await page.waitForSelector("#backtest-submitted[data-run]");
    const runId = await page.getAttribute("#backtest-submitted", "data-run");
    // The page refreshes the list every 3 s while a run is unfinished.
    await page.waitForSelector(`#backtests tr[data-run="${runId}"][data-status=completed] button.report`, {
      timeout: 45_000,
    });
    await page.click(`#backtests button.report[data-run="${runId}"]`);
    await page.waitForSelector("#report:not([hidden])");
    const frame = page.frameLocator("#report");
    await expect
      .poll(async () => (await frame.locator("body").textContent()) ?? "", { timeout: 10_000 })
      .toContain(runId ?? "");
    await shot(page, "backtests");
    for (const path of ["/dashboard/portfolios", "/api/v1/docs"]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      await shot(page, path.replaceAll("/", "-").slice(1));
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
