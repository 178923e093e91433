import net from "node:net";

/** A connect or reply deadline passed. Distinct from refused connections on purpose. */
export class ConnectTimeoutError extends Error {
  readonly code = "VPA_CONNECT_TIMEOUT";
  override name = "ConnectTimeoutError";
}

/** Opens a TCP connection or fails within `timeoutMs` (Node has no connect timeout by default). */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectTimeoutError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Network error codes that mean "nothing usable listens there", as opposed to a protocol problem. */
export function isNothingListeningError(error: unknown): boolean {
  if (error instanceof ConnectTimeoutError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "ECONNREFUSED" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "EADDRNOTAVAIL" ||
    code === "ETIMEDOUT"
  );
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
