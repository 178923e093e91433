import http from "node:http";
import net from "node:net";
import { freePort } from "@vpa/test-support/free-port";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { probeRedis } from "./redis-probe.ts";

/** What `vpa services` sees at a port, through ioredis (no hand-written protocol code any more). */
describe("probeRedis", () => {
  const servers: net.Server[] = [];
  const silentSockets = new Set<net.Socket>();
  let httpPort = 0;
  let silentPort = 0;

  async function listen(server: net.Server): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
  }

  beforeAll(async () => {
    httpPort = await listen(http.createServer((_, response) => response.end("not redis")));
    // Accepts the connection and never says a word.
    silentPort = await listen(
      net.createServer((socket) => {
        silentSockets.add(socket);
        // Reads (and ignores) what comes, so the client's hang-up reaches 'close'.
        socket.resume();
        socket.once("close", () => silentSockets.delete(socket));
      }),
    );
  });

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    for (const server of servers) {
      if (server instanceof http.Server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("the running Redis answers: ready", async () => {
    expect(await probeRedis({ host: "127.0.0.1", port: 6379 }, 1_000)).toEqual({
      listener: "ready",
      detail: "PONG",
    });
  });

  test("a password for a server that has none is accepted, as ioredis does", async () => {
    expect((await probeRedis({ host: "127.0.0.1", port: 6379, password: "unused" }, 1_000)).listener).toBe(
      "ready",
    );
  });

  test("a user the server does not know is refused: rejected, with the server's words", async () => {
    const probe = await probeRedis(
      { host: "127.0.0.1", port: 6379, username: "nobody", password: "nope" },
      1_000,
    );
    expect(probe.listener).toBe("rejected");
    expect(probe.detail).toMatch(/WRONGPASS/);
  });

  test("nothing listening: none, with the refusal", async () => {
    const probe = await probeRedis({ host: "127.0.0.1", port: await freePort() }, 1_000);
    expect(probe).toMatchObject({ listener: "none", detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  test("an HTTP server on the port: foreign", async () => {
    const probe = await probeRedis({ host: "127.0.0.1", port: httpPort }, 1_000);
    expect(probe.listener).toBe("foreign");
    expect(probe.detail).toMatch(/^not a Redis server/);
  });

  test("a program that accepts and never answers: foreign within the time-out, not a hang", async () => {
    const started = Date.now();
    const probe = await probeRedis({ host: "127.0.0.1", port: silentPort }, 500);
    expect(probe).toEqual({
      listener: "foreign",
      detail: "not a Redis server (it accepted the connection but did not answer PING)",
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The probe hung up: nothing is left open on the silent program's side.
    await expect.poll(() => silentSockets.size, { timeout: 2_000 }).toBe(0);
  });
});
