/**
 * The API on a real socket: startApiServer listens, answers over HTTP with the rate limit held in
 * Redis (429 with Retry-After and the RateLimit headers once a key's minute is spent, while another
 * key is unaffected), and closes gracefully: a request in flight finishes, the port is released.
 */
import { request } from "node:http";
import { createServer } from "node:net";
import { HealthPortUnavailableError } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    const server = await startApiServer(fixture.context, { port: 0, host: "127.0.0.1" });
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
      await new Promise((resolve) => setTimeout(resolve, 5));
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
