import type { AddressInfo } from "node:net";
import { HealthPortUnavailableError } from "@vpa/runtime";
import type { ApiContext } from "./api-context.ts";
import { buildApiApp } from "./build-api-app.ts";

export interface ApiServer {
  readonly port: number;
  /** Stops taking connections, lets requests in flight finish, then closes the rate limiter. */
  close(): Promise<void>;
}

/**
 * `vpa worker api`: the API, the dashboard and /health, /ready, /metrics on one port.
 * Rejects with HealthPortUnavailableError when the port is taken.
 */
export async function startApiServer(
  context: ApiContext,
  options: { readonly port: number; readonly host?: string; readonly responseCacheMs?: number },
): Promise<ApiServer> {
  const app = await buildApiApp(
    context,
    options.responseCacheMs === undefined ? {} : { responseCacheMs: options.responseCacheMs },
  );
  try {
    await app.listen({ port: options.port, host: options.host ?? "0.0.0.0" });
  } catch (error) {
    await app.close();
    throw new HealthPortUnavailableError(options.port, error as NodeJS.ErrnoException);
  }
  const port = (app.server.address() as AddressInfo).port;
  return {
    port,
    async close() {
      // fastify answers 503 to requests arriving while it closes and waits for those in flight.
      // A keep-alive connection whose request finishes during the close would then hold it open
      // for keepAliveTimeout (72 s), past any shutdown budget: idle ones are closed as they appear.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
    },
  };
}
