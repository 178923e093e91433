/**
 * The API on a real socket: startApiServer listens, answers over HTTP with the rate limit held in
 * Redis (429 with Retry-After and the RateLimit headers once a key's minute is spent, while another
 * key is unaffected), and closes gracefully: a request in flight finishes, the port is released.
 */
import { request } from "node:http";
import { createServer } from "node:net";
import { HealthPortUnavailableError } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiRateLimiter } from "../src/api-rate-limiter.ts";
import { startApiServer } from "../src/start-api-server.ts";
import { type ApiFixture, bearer, startApiFixture } from "./support/api-test-fixture.ts";

let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await startApiFixture({ rateLimitPerMinute: 3 });
});
afterAll(async () => {
  await fixture?.close();
});

describe("startApiServer", () => {
  it("serves over HTTP, limits each key to its allowance, and releases the port when closed", async () => {
    // The trader's requests wait 100 ms in the rate limiter, and say when they got there: a request
    // that is surely in flight when the server starts closing.
    let arrived: () => void = () => {};
    const inFlightArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const limiter = fixture.context.rateLimiter;
    const slowed = {
      limit: limiter.limit,
      take: async (keyId: number) => {
        if (keyId === fixture.keys.ids.trader) {
          arrived();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return limiter.take(keyId);
      },
      takeFailure: (address: string, perMinute: number) => limiter.takeFailure(address, perMinute),
      connect: () => limiter.connect(),
      close: async () => {},
    } as unknown as ApiRateLimiter;
    const server = await startApiServer(
      { ...fixture.context, rateLimiter: slowed },
      { port: 0, host: "127.0.0.1" },
    );
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const answers = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await fetch(`${base}/api/v1/symbols`, { headers: bearer(fixture.keys.reader) }));
      }
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
      const refused = answers[3] as Response;
      expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(20);
      expect(((await refused.json()) as { code: string }).code).toBe("RATE_LIMITED");
      // Another key has its own allowance.
      expect((await fetch(`${base}/api/v1/symbols`, { headers: bearer(fixture.keys.admin) })).status).toBe(
        200,
      );

      // Graceful: a request already being answered completes while the server closes.
      const inFlight = new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/v1/signals`, { headers: bearer(fixture.keys.trader) }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
      await inFlightArrived;
      const closing = performance.now();
      await server.close();
      expect(await inFlight).toBe(200);
      // Not held open by the keep-alive connection of the request that finished meanwhile.
      expect(performance.now() - closing).toBeLessThan(2_000);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it("answers 429 to an address past 30 failed authentications a minute, and still serves a valid key from it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await fixture.app.inject({
        url: "/api/v1/signals",
        headers: { authorization: `Bearer vpa_${String(i).padStart(43, "x")}` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    const last = await fixture.app.inject({
      url: "/api/v1/signals",
      headers: { authorization: "Bearer nonsense" },
    });
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe("RATE_LIMITED");
    expect(Number(last.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(
      (await fixture.app.inject({ url: "/api/v1/symbols", headers: bearer(fixture.keys.trader) })).statusCode,
    ).toBe(200);
  });

  it("refuses to start on a port already taken, with the port in the error", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startApiServer(fixture.context, { port, host: "127.0.0.1" })).rejects.toBeInstanceOf(
        HealthPortUnavailableError,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
