import { readFileSync } from "node:fs";
import { findUpward } from "@vpa/runtime";
import type { FastifyInstance } from "fastify";
import { DASHBOARD_PAGES, renderDashboardPage } from "./render-dashboard-page.ts";

/**
 * The dashboard's script and styles, read once at start (a few kB; no build step). Found upward
 * from here: `apps/api/assets/dashboard/` from the sources, `dist/assets/dashboard/` in the image.
 */
const readAsset = (name: string) =>
  readFileSync(findUpward(import.meta.dirname, `assets/dashboard/${name}`), "utf8");
const ASSETS = {
  "app.js": { type: "text/javascript; charset=utf-8", body: readAsset("app.js") },
  "app.css": { type: "text/css; charset=utf-8", body: readAsset("app.css") },
} as const;

/**
 * The web dashboard, served by the API itself: server-rendered page shells that call the JSON API
 * with the key kept in the browser's sessionStorage. The shells are public (they hold no data);
 * every figure on them comes from an authenticated API call.
 */
export function registerDashboard(app: FastifyInstance): void {
  app.get("/", async (_request, reply) => reply.redirect("/dashboard/"));
  // Browsers ask for it on every page: an empty answer, not a 404 in each page's console.
  app.get("/favicon.ico", async (_request, reply) =>
    reply.code(204).header("cache-control", "max-age=86400").send(),
  );
  for (const page of DASHBOARD_PAGES) {
    const html = renderDashboardPage(page);
    app.get(page.path, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(html),
    );
  }
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/dashboard/${name}`, async (_request, reply) =>
      reply.type(asset.type).header("cache-control", "no-cache").send(asset.body),
    );
  }
}
