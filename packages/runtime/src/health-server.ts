import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { HealthPortUnavailableError } from "./health-port-unavailable-error.ts";

/** A named readiness check; resolves when the dependency answers, rejects (or times out) otherwise. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly registry: Registry;
  readonly checks: readonly ReadinessCheck[];
  /** Each check's time limit. Default 2,000 ms. */
  readonly checkTimeoutMs?: number;
  /** Extra text appended to /metrics (e.g. BullMQ's queue gauges). */
  readonly extraMetrics?: () => Promise<string>;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Listens on `port` and answers:
 * `/health`: the process is alive (liveness; restarts it when it fails).
 * `/ready`: Redis and PostgreSQL answer (readiness; 503 with the failing checks otherwise).
 * `/metrics`: Prometheus text format.
 * Rejects with HealthPortUnavailableError when it cannot listen (the port is taken).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const reply = (status: number, body: string, type = "application/json") => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      response.end(body);
    };
    if (request.method !== "GET" && request.method !== "HEAD")
      return reply(405, '{"error":"method not allowed"}');
    if (path === "/health") return reply(200, '{"status":"ok"}');
    if (path === "/ready") {
      void Promise.all(
        options.checks.map(async (c) => {
          try {
            await withTimeout(c.check(), timeoutMs);
            return [c.name, "ok"] as const;
          } catch (error) {
            return [c.name, (error as Error).message] as const;
          }
        }),
      ).then((results) => {
        const ready = results.every(([, state]) => state === "ok");
        reply(
          ready ? 200 : 503,
          JSON.stringify({ status: ready ? "ready" : "not ready", checks: Object.fromEntries(results) }),
        );
      });
      return;
    }
    if (path === "/metrics") {
      void Promise.all([options.registry.metrics(), options.extraMetrics?.() ?? Promise.resolve("")])
        .then(([own, extra]) => reply(200, `${own}\n${extra}`, options.registry.contentType))
        .catch((error: Error) => reply(500, JSON.stringify({ error: error.message })));
      return;
    }
    return reply(404, '{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new HealthPortUnavailableError(options.port, error)),
    );
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
