import { createServer } from "node:net";

/**
 * A TCP port nothing listens on right now, on 127.0.0.1: bind port 0, read the port the system
 * gave, release it. Another process may take it before the caller binds it; good enough for a
 * test's own servers, which bind at once.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port from listen(0)");
  return address.port;
}
