/**
 * Every route of /api/v1 through fastify's inject, on a real PostgreSQL (template clone) and a real
 * Redis (own prefix): answers match their documented zod schemas, each role gets exactly what it
 * may, and every error is problem+json with its stable code.
 */
import { getBacktestRun } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiRoute } from "../src/api-route.ts";
import { problemSchema } from "../src/openapi-document.ts";
import { adminRoutes } from "../src/routes/admin-routes.ts";
import { backtestRoutes } from "../src/routes/backtest-routes.ts";
import { portfolioRoutes } from "../src/routes/portfolio-routes.ts";
import { signalDetailSchema, signalRoutes } from "../src/routes/signal-routes.ts";
import { subscriptionRoutes } from "../src/routes/subscription-routes.ts";
import { symbolRoutes } from "../src/routes/symbol-routes.ts";
import { type ApiFixture, bearer, FIXTURE_SIGNALS, startApiFixture } from "./support/api-test-fixture.ts";

let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture?.close();
});

async function get(url: string, secret: string | null = fixture.keys.reader) {
  return fixture.app.inject({ method: "GET", url, headers: secret === null ? {} : bearer(secret) });
}

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = problemSchema.parse(JSON.parse(response.body));
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(response.body).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  return body;
}

describe("signals", () => {
  it("lists stored signals newest bar first, and filters by symbol, type, bias, exchange, score and dates", async () => {
    const all = (await get("/api/v1/signals?limit=100")).json();
    expect(all.signals).toHaveLength(FIXTURE_SIGNALS.length);
    const times = all.signals.map((s: { time: string }) => s.time);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.next).toBeNull();

    const vcb = (await get("/api/v1/signals?symbol=VCB")).json();
    expect(vcb.signals.map((s: { type: string }) => s.type)).toEqual([
      "NO_SUPPLY",
      "SPRING",
      "SELLING_CLIMAX",
    ]);
    expect((await get("/api/v1/signals?type=SPRING")).json().signals).toHaveLength(2);
    expect(
      (await get("/api/v1/signals?bias=bear"))
        .json()
        .signals.map((s: { symbol: string }) => s.symbol)
        .sort(),
    ).toEqual(["FPT", "SHB"]);
    expect((await get("/api/v1/signals?exchange=HNX")).json().signals).toHaveLength(2);
    expect(
      (await get("/api/v1/signals?minScore=80"))
        .json()
        .signals.map((s: { score: number }) => s.score)
        .sort(),
    ).toEqual([81, 88]);
    expect((await get("/api/v1/signals?min_score=80")).json().signals).toHaveLength(2);
    const today = fixture.sessions[79] as string;
    const latest = (await get(`/api/v1/signals?since=${today}&until=${today}`)).json();
    expect(latest.signals).toHaveLength(4);
    const early = (await get(`/api/v1/signals?until=${fixture.sessions[30]}`)).json();
    expect(early.signals.map((s: { type: string }) => s.type)).toEqual(["SELLING_CLIMAX"]);
  });

  it("pages with a cursor: every signal once, in order, and a last page without one", async () => {
    const seen: number[] = [];
    let url = "/api/v1/signals?limit=3";
    let pages = 0;
    for (;;) {
      const page = (await get(url)).json();
      pages += 1;
      seen.push(...page.signals.map((s: { id: number }) => s.id));
      if (page.next === null) break;
      url = `/api/v1/signals?limit=3&cursor=${page.next}`;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(FIXTURE_SIGNALS.length);
    const full = (await get("/api/v1/signals?limit=100")).json();
    expect(seen).toEqual(full.signals.map((s: { id: number }) => s.id));
  });

  it("refuses bad cursors, bad filters and unknown parameters with 400 problems", async () => {
    for (const cursor of [
      "abc",
      "%27%20or%201%3D1--",
      Buffer.from('["x",1]').toString("base64url"),
      Buffer.from('["2024-01-01T00:00:00.000Z",-5]').toString("base64url"),
    ]) {
      expectProblem(await get(`/api/v1/signals?cursor=${cursor}`), 400, "BAD_CURSOR");
    }
    const bad = expectProblem(
      await get("/api/v1/signals?minScore=abc&bias=up&symbol=vcb;drop"),
      400,
      "VALIDATION_FAILED",
    );
    expect(bad.errors?.join("\n")).toMatch(/minScore/);
    expect(bad.errors?.join("\n")).toMatch(/bias/);
    expect(bad.errors?.join("\n")).toMatch(/symbol/);
    expectProblem(await get("/api/v1/signals?color=red"), 400, "VALIDATION_FAILED");
    expectProblem(await get("/api/v1/signals?since=yesterday"), 400, "VALIDATION_FAILED");
    expectProblem(await get("/api/v1/signals?limit=100000"), 400, "VALIDATION_FAILED");
    expectProblem(await get("/api/v1/signals?symbol=VCB&symbol=FPT"), 400, "VALIDATION_FAILED");
  });

  it("gives one signal with its confirmation, its evidence and links; 404 for an unknown id", async () => {
    const list = (await get("/api/v1/signals?symbol=FPT&type=UPTHRUST")).json();
    const id = list.signals[0].id as number;
    const response = await get(`/api/v1/signals/${id}`);
    expect(response.statusCode).toBe(200);
    const detail = signalDetailSchema.parse(response.json());
    expect(detail.signal).toMatchObject({
      id,
      symbol: "FPT",
      type: "UPTHRUST",
      bias: "bear",
      score: 88,
      confirmation: null,
    });
    // An empty track record: the evidence says so rather than inventing figures.
    expect(detail.evidence?.status).toBe("not-enough-history");
    expect(detail.links.chart).toMatch(/^\/api\/v1\/symbols\/FPT\/chart\.svg/);
    expectProblem(await get("/api/v1/signals/999999"), 404, "NOT_FOUND");
    expectProblem(await get("/api/v1/signals/abc"), 400, "VALIDATION_FAILED");
    expectProblem(await get("/api/v1/signals/99999999999999"), 400, "VALIDATION_FAILED");
  });
});

describe("symbols", () => {
  it("lists symbols, a symbol's bars in a range, and its chart with the signals marked", async () => {
    const symbols = (await get("/api/v1/symbols")).json().symbols;
    expect(symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["FPT", "SHB", "VCB"]);
    expect((await get("/api/v1/symbols?exchange=HNX")).json().symbols).toHaveLength(1);

    const bars = (
      await get(`/api/v1/symbols/VCB/bars?from=${fixture.sessions[10]}&to=${fixture.sessions[19]}`)
    ).json();
    expect(bars.bars.map((b: { time: string }) => b.time)).toEqual(fixture.sessions.slice(10, 20));
    expect((await get("/api/v1/symbols/VCB/bars?limit=5")).json().bars.at(-1).time).toBe(
      fixture.sessions[79],
    );

    const chart = await get("/api/v1/symbols/VCB/chart.svg?limit=120");
    expect(chart.statusCode).toBe(200);
    expect(chart.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    const marked = [...chart.body.matchAll(/class="signal-marker"[^>]*data-time="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(marked.sort()).toEqual([fixture.sessions[20], fixture.sessions[45], fixture.sessions[79]].sort());
    expect(chart.body).toContain("<title>");

    expectProblem(await get("/api/v1/symbols/ZZZ/bars"), 404, "NOT_FOUND");
    expectProblem(await get("/api/v1/symbols/<script>/bars"), 400, "VALIDATION_FAILED");
    expectProblem(await get("/api/v1/symbols/VCB/bars?timeframe=2D"), 400, "VALIDATION_FAILED");
  });
});

describe("keys and roles", () => {
  it("refuses a missing, malformed, unknown or revoked key with 401 and WWW-Authenticate", async () => {
    const missing = expectProblem(await get("/api/v1/signals", null), 401, "UNAUTHENTICATED");
    expect(missing.detail).toMatch(/Bearer/);
    expect((await get("/api/v1/signals", null)).headers["www-authenticate"]).toMatch(/^Bearer/);
    expectProblem(
      await fixture.app.inject({ url: "/api/v1/signals", headers: { authorization: "Basic dXNlcjpwYXNz" } }),
      401,
      "KEY_INVALID",
    );
    expectProblem(await get("/api/v1/signals", `vpa_${"A".repeat(43)}`), 401, "KEY_INVALID");
    expectProblem(await get("/api/v1/signals", fixture.keys.revoked), 401, "KEY_REVOKED");
  });

  it("lets a reader read, but not subscribe, submit backtests or reach the admin endpoints", async () => {
    for (const url of ["/api/v1/signals", "/api/v1/symbols", "/api/v1/backtests", "/api/v1/portfolios"]) {
      expect((await get(url)).statusCode, url).toBe(200);
    }
    expectProblem(await get("/api/v1/subscriptions"), 403, "FORBIDDEN");
    expectProblem(
      await fixture.app.inject({
        method: "POST",
        url: "/api/v1/backtests",
        headers: bearer(fixture.keys.reader),
        payload: { config: {} },
      }),
      403,
      "FORBIDDEN",
    );
    for (const url of ["/api/v1/status", "/api/v1/deliveries"])
      expectProblem(await get(url), 403, "FORBIDDEN");
    expectProblem(
      await fixture.app.inject({
        method: "POST",
        url: "/api/v1/scan",
        headers: bearer(fixture.keys.trader),
        payload: {},
      }),
      403,
      "FORBIDDEN",
    );
  });

  it("records when a key was last used", async () => {
    const { id, secret } = await fixture.createKey("reader", "touch");
    await get("/api/v1/symbols", secret);
    const row = await fixture.database.db
      .selectFrom("api_keys")
      .select("last_used_at")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeInstanceOf(Date);
  });
});

describe("subscriptions", () => {
  it("lets a trader create, list and delete its own, and see nobody else's; an admin sees all", async () => {
    const other = await fixture.createKey("trader", "other trader");
    const create = (secret: string, payload: Record<string, unknown>) =>
      fixture.app.inject({ method: "POST", url: "/api/v1/subscriptions", headers: bearer(secret), payload });
    const mine = await create(fixture.keys.trader, {
      channel: "email",
      address: "trader@example.com",
      symbols: ["VCB"],
      minScore: 70,
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({
      channel: "email",
      address: "trader@example.com",
      symbols: ["VCB"],
      minScore: 70,
      apiKeyId: fixture.keys.ids.trader,
    });
    expect(
      (
        await create(fixture.keys.trader, {
          channel: "email",
          address: "trader@example.com",
          symbols: ["VCB"],
          minScore: 70,
        })
      ).statusCode,
    ).toBe(200);
    const theirs = await create(other.secret, { channel: "telegram", address: "123456789" });
    expect(theirs.statusCode).toBe(201);

    const listed = (await get("/api/v1/subscriptions", fixture.keys.trader)).json().subscriptions;
    expect(listed.map((s: { id: number }) => s.id)).toEqual([mine.json().id]);
    const everything = (await get("/api/v1/subscriptions", fixture.keys.admin)).json().subscriptions;
    expect(everything.map((s: { id: number }) => s.id).sort()).toEqual(
      [mine.json().id, theirs.json().id].sort(),
    );

    const remove = (secret: string, id: number) =>
      fixture.app.inject({ method: "DELETE", url: `/api/v1/subscriptions/${id}`, headers: bearer(secret) });
    expectProblem(await remove(fixture.keys.trader, theirs.json().id), 404, "NOT_FOUND");
    expect((await remove(fixture.keys.trader, mine.json().id)).statusCode).toBe(204);
    expect((await get("/api/v1/subscriptions", fixture.keys.trader)).json().subscriptions).toEqual([]);
    expectProblem(await remove(fixture.keys.trader, mine.json().id), 404, "NOT_FOUND");
    expect((await remove(fixture.keys.admin, theirs.json().id)).statusCode).toBe(204);
  });

  it("refuses bad bodies without writing anything", async () => {
    const before = await fixture.database.db
      .selectFrom("subscribers")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const post = (payload: string, contentType = "application/json") =>
      fixture.app.inject({
        method: "POST",
        url: "/api/v1/subscriptions",
        headers: { ...bearer(fixture.keys.trader), "content-type": contentType },
        payload,
      });
    expectProblem(await post("{not json"), 400, "MALFORMED_JSON");
    expectProblem(await post(""), 400, "MALFORMED_JSON");
    expectProblem(
      await post(JSON.stringify({ channel: "email", address: "not an email" })),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(await post(JSON.stringify({ channel: "sms", address: "1" })), 400, "VALIDATION_FAILED");
    expectProblem(
      await post(JSON.stringify({ channel: "email", address: "a@example.com", admin: true })),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await post(JSON.stringify({ channel: "telegram", address: "1; drop table subscribers" })),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await post(JSON.stringify({ channel: "email", address: "a@example.com", symbols: ["<b>x</b>"] })),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await post('{"__proto__": {"admin": true}, "channel": "email", "address": "a@example.com"}'),
      400,
      "MALFORMED_JSON",
    );
    expectProblem(await post("channel=email", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectProblem(
      await post(JSON.stringify({ channel: "email", address: `${"a".repeat(70_000)}@example.com` })),
      413,
      "BODY_TOO_LARGE",
    );
    const after = await fixture.database.db
      .selectFrom("subscribers")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe("backtests", () => {
  const config = { symbols: ["VCB", "FPT"], from: "2024-01-02", to: "2024-04-19", minScore: 60 };

  it("queues a backtest; the same Idempotency-Key and body give the same run, another body a 422", async () => {
    const post = (payload: Record<string, unknown>, key?: string) =>
      fixture.app.inject({
        method: "POST",
        url: "/api/v1/backtests",
        headers: { ...bearer(fixture.keys.trader), ...(key === undefined ? {} : { "idempotency-key": key }) },
        payload,
      });
    const first = await post({ config }, "order-1");
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ kind: "run", status: "queued", created: true });
    expect(first.headers.location).toBe(`/api/v1/backtests/${first.json().runId}`);
    const again = await post({ config }, "order-1");
    expect(again.json().runId).toBe(first.json().runId);
    expect(again.json().created).toBe(false);
    expectProblem(
      await post({ config: { ...config, minScore: 61 } }, "order-1"),
      422,
      "IDEMPOTENCY_KEY_REUSED",
    );
    const jobs = await fixture.context.queue("backtest").queue.getJobCounts("waiting");
    expect(jobs.waiting).toBe(1);

    const status = (await get(`/api/v1/backtests/${first.json().runId}`)).json();
    expect(status).toMatchObject({
      id: first.json().runId,
      status: "queued",
      progress: 0,
      links: { report: null },
    });
    expect((await get("/api/v1/backtests")).json().backtests.map((b: { id: string }) => b.id)).toContain(
      first.json().runId,
    );
    expectProblem(await get(`/api/v1/backtests/${first.json().runId}/report`), 409, "CONFLICT");
    expect(await getBacktestRun(fixture.database.db, first.json().runId)).toBeDefined();
  });

  it("names every bad field of a config, and 404s an unknown run", async () => {
    const response = await fixture.app.inject({
      method: "POST",
      url: "/api/v1/backtests",
      headers: bearer(fixture.keys.trader),
      payload: { config: { symbols: "VN30", from: "2024-05-01", to: "2024-01-01", minScore: 500 } },
    });
    const problem = expectProblem(response, 400, "VALIDATION_FAILED");
    expect(problem.errors?.join("\n")).toMatch(/minScore/);
    expectProblem(await get("/api/v1/backtests/bt-unknown"), 404, "NOT_FOUND");
    expectProblem(await get("/api/v1/backtests/bt-unknown/report"), 404, "NOT_FOUND");
    expectProblem(await get("/api/v1/backtests/..%2F..%2Fetc"), 400, "VALIDATION_FAILED");
  });
});

describe("portfolios", () => {
  it("lists none and 404s an unknown one", async () => {
    expect((await get("/api/v1/portfolios")).json()).toEqual({ portfolios: [] });
    expectProblem(await get("/api/v1/portfolios/growth"), 404, "NOT_FOUND");
  });
});

describe("admin", () => {
  it("shows queues, freshness and deliveries, and starts a scan", async () => {
    const status = (await get("/api/v1/status", fixture.keys.admin)).json();
    expect(status.queues.map((q: { queue: string }) => q.queue)).toContain("backtest");
    expect(status.freshness[0]).toMatchObject({ timeframe: "1D", newest: fixture.sessions[79] });
    // No track record yet: every stored daily signal is one it has not taken in (`vpa status`'s "empty").
    expect(status.trackRecord).toEqual({ started: false, untracked: FIXTURE_SIGNALS.length });
    const deliveries = (await get("/api/v1/deliveries?status=failed", fixture.keys.admin)).json();
    expect(deliveries).toEqual({ total: 0, deliveries: [] });
    expectProblem(await get("/api/v1/deliveries?status=lost", fixture.keys.admin), 400, "VALIDATION_FAILED");
    const scan = await fixture.app.inject({
      method: "POST",
      url: "/api/v1/scan",
      headers: bearer(fixture.keys.admin),
      payload: { symbols: ["VCB"] },
    });
    expect(scan.statusCode).toBe(202);
    expect(scan.json()).toEqual({ symbols: 1, scanId: null });
  });
});

describe("answers and their documented schemas", () => {
  it("every JSON answer of every GET route parses with the zod schema the OpenAPI document shows", async () => {
    const routes: ApiRoute[] = [
      ...signalRoutes(fixture.context),
      ...symbolRoutes(fixture.context),
      ...subscriptionRoutes(fixture.context),
      ...backtestRoutes(fixture.context),
      ...portfolioRoutes(fixture.context),
      ...adminRoutes(fixture.context),
    ];
    const signalId = (await get("/api/v1/signals?limit=1")).json().signals[0].id as number;
    const runId = (await get("/api/v1/backtests")).json().backtests[0]?.id as string | undefined;
    const examples: Record<string, string> = { id: String(signalId), symbol: "VCB", name: "none" };
    let checked = 0;
    for (const route of routes.filter((r) => r.method === "GET")) {
      const schema = route.responses[200]?.schema;
      if (schema === undefined) continue;
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        route.path.startsWith("/backtests") && name === "id" ? (runId ?? "none") : (examples[name] ?? ""),
      );
      const response = await get(`/api/v1${path}`, fixture.keys.admin);
      if (response.statusCode === 404) continue; // no such portfolio or run in this fixture
      expect(response.statusCode, `${route.path}: ${response.body.slice(0, 200)}`).toBe(200);
      const parsed = schema.safeParse(response.json());
      expect(parsed.success, `${route.path}: ${parsed.error?.message}`).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });
});

describe("the HTTP edges", () => {
  it("answers every request with a request id (the given one when sane), security headers and a log line", async () => {
    const response = await fixture.app.inject({
      url: "/api/v1/symbols",
      headers: { ...bearer(fixture.keys.reader), "x-request-id": "trace-42" },
    });
    expect(response.headers["x-request-id"]).toBe("trace-42");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(response.headers["cache-control"]).toBe("no-store");
    const generated = await get("/api/v1/nothing-here");
    expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(generated.body).requestId).toBe(generated.headers["x-request-id"]);
    const line = fixture.logLines.find((l) => l.requestId === "trace-42" && l.msg === "request");
    expect(line).toMatchObject({ route: "/api/v1/symbols", status: 200, apiKeyId: fixture.keys.ids.reader });
    expect(fixture.logLines.every((l) => !JSON.stringify(l).includes(fixture.keys.reader))).toBe(true);
  });

  it("sends the RateLimit headers, allows listed CORS origins only, and records request durations", async () => {
    const response = await get("/api/v1/symbols");
    expect(Number(response.headers["ratelimit-limit"])).toBe(10_000);
    expect(Number(response.headers["ratelimit-remaining"])).toBeGreaterThan(9_000);
    expect(response.headers["ratelimit-policy"]).toBe("10000;w=60");
    const preflight = await fixture.app.inject({
      method: "OPTIONS",
      url: "/api/v1/signals",
      headers: {
        origin: "https://dash.example.com",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://dash.example.com");
    const stranger = await fixture.app.inject({
      url: "/api/v1/signals",
      headers: { ...bearer(fixture.keys.reader), origin: "https://evil.example" },
    });
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
    const metrics = await fixture.app.inject({ url: "/metrics" });
    expect(metrics.body).toMatch(
      /vpa_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/symbols",status="200"\} \d+/,
    );
  });

  it("serves /health, /ready, the OpenAPI 3.1 document of every route and its docs page", async () => {
    expect((await fixture.app.inject({ url: "/health" })).json()).toEqual({ status: "ok" });
    expect((await fixture.app.inject({ url: "/ready" })).json()).toMatchObject({ status: "ready" });
    const document = (await fixture.app.inject({ url: "/api/v1/openapi.json" })).json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        "/backtests",
        "/backtests/{id}",
        "/backtests/{id}/report",
        "/deliveries",
        "/portfolios",
        "/portfolios/{name}",
        "/scan",
        "/signals",
        "/signals/{id}",
        "/status",
        "/subscriptions",
        "/subscriptions/{id}",
        "/symbols",
        "/symbols/{symbol}/bars",
        "/symbols/{symbol}/chart.svg",
      ].sort(),
    );
    const list = document.paths["/signals"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["symbol", "cursor", "minScore"]),
    );
    expect(list.responses["401"].content["application/problem+json"]).toBeDefined();
    expect(document.paths["/backtests"].post.requestBody.content["application/json"].schema).toBeDefined();
    const docs = await fixture.app.inject({ url: "/api/v1/docs" });
    expect(docs.headers["content-type"]).toMatch(/^text\/html/);
    expect(docs.body).toContain("GET /api/v1/signals/{id}");
  });
});
