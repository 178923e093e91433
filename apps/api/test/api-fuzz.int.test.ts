/**
 * Bad input on every endpoint (issue 13, "Bad input"): generated requests (seeded, so a failure
 * replays) with malformed JSON, wrong types, unknown fields, SQL and HTML in strings, huge bodies,
 * bad cursors and ids, and missing, malformed or revoked keys. Every answer is a 4xx problem+json
 * (a GET that happens to be valid may answer 200), never a 5xx, never a stack trace, and nothing is
 * written: the tables a request could write to hold the same rows afterwards.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../../test-support/seeded-random.ts";
import { type ApiFixture, startApiFixture } from "./support/api-test-fixture.ts";

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture({ bodyLimitBytes: 16_384 });
});
afterAll(async () => {
  await fixture?.close();
});

const NASTY = [
  "' or 1=1 --",
  "'; drop table vpa_signals; --",
  '<script>alert("x")</script>',
  "<img src=x onerror=alert(1)>",
  "%00",
  "\u0000",
  "../../etc/passwd",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "-1",
  "1e309",
  "NaN",
  "99999999999999999999",
  "",
  " ",
  "true",
  "null",
  "[]",
  "{}",
  "A".repeat(300),
];

const WRITES = [
  "subscribers",
  "subscriptions",
  "api_key_subscriptions",
  "backtest_runs",
  "api_backtest_requests",
  "api_keys",
] as const;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WRITES) {
    const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(
      fixture.database.db,
    );
    counts[table] = Number(result.rows[0]?.n);
  }
  return counts;
}

describe("generated bad requests on every endpoint", () => {
  it("answer 4xx problem+json, never 5xx or a stack trace, and write nothing", async () => {
    const document = (await fixture.app.inject({ url: "/api/v1/openapi.json" })).json() as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>;
    };
    const next = seededRandom(13);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const before = await rowCounts();
    const failures: string[] = [];
    let sent = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (let round = 0; round < 25; round++) {
          const url = `/api/v1${path.replace(/\{\w+\}/g, () => encodeURIComponent(pick(NASTY) || "x"))}`;
          const query = new URLSearchParams();
          for (const parameter of operation.parameters.filter((p) => p.in === "query")) {
            if (next() < 0.5) query.append(parameter.name, pick(NASTY));
          }
          if (next() < 0.3) query.append(pick(["cursor", "limit", "since", "__proto__", "x"]), pick(NASTY));
          const auth = pick([
            `Bearer ${fixture.keys.admin}`,
            `Bearer ${fixture.keys.admin}`,
            `Bearer ${fixture.keys.trader}`,
            `Bearer ${fixture.keys.revoked}`,
            `Bearer ${pick(NASTY)}`,
            "Basic YWRtaW46YWRtaW4=",
            "",
          ]);
          const bodies: (() => string)[] = [
            () => "{",
            () => '{"channel": "email", "address": ',
            () => JSON.stringify({ unknownField: pick(NASTY), config: { symbols: pick(NASTY) } }),
            () => JSON.stringify([1, 2, 3]),
            () => JSON.stringify({ channel: pick(NASTY), address: pick(NASTY), minScore: pick(NASTY) }),
            () =>
              JSON.stringify({
                config: { symbols: [pick(NASTY)], from: pick(NASTY), to: "2020-01-01" },
                extra: 1,
              }),
            () => JSON.stringify({ symbols: [pick(NASTY)], force: true }),
            () => `{"a":${"[".repeat(2_000)}${"]".repeat(2_000)}}`,
            () => JSON.stringify({ address: "x".repeat(20_000) }),
            () => '{"__proto__": {"role": "admin"}}',
            () => '{"constructor": {"prototype": {"role": "admin"}}}',
          ];
          const payload = method === "get" ? undefined : pick(bodies)();
          const response = await fixture.app.inject({
            method: method.toUpperCase() as "GET" | "POST" | "DELETE",
            url: `${url}${query.size > 0 ? `?${query}` : ""}`,
            headers: {
              ...(auth === "" ? {} : { authorization: auth }),
              ...(payload === undefined
                ? {}
                : {
                    "content-type": pick([
                      "application/json",
                      "application/json",
                      "text/plain",
                      "application/x-www-form-urlencoded",
                    ]),
                  }),
              ...(method === "post" && next() < 0.3 ? { "idempotency-key": pick(NASTY) || "k" } : {}),
            },
            ...(payload === undefined ? {} : { payload }),
          });
          sent += 1;
          const label = `${method.toUpperCase()} ${url}?${query} [${auth.slice(0, 12)}] ${payload?.slice(0, 60) ?? ""} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          const okRead = method === "get" && response.statusCode === 200;
          if (okRead) continue;
          if (response.statusCode < 400 || response.statusCode >= 500) failures.push(label);
          else if (!/^application\/problem\+json/.test(String(response.headers["content-type"])))
            failures.push(`not a problem: ${label}`);
          else if (/\bat .+:\d+:\d+|node_modules|\.ts:\d+/.test(response.body))
            failures.push(`stack trace: ${label}`);
          else if (typeof response.json().code !== "string") failures.push(`no code: ${label}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect(failures).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });
});
