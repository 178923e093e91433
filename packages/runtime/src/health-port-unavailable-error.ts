/** The worker's health server cannot listen on its port; the worker must not start without it. */
export class HealthPortUnavailableError extends Error {
  readonly code = "HEALTH_PORT_UNAVAILABLE";
  readonly port: number;

  constructor(port: number, cause: NodeJS.ErrnoException) {
    const why =
      cause.code === "EADDRINUSE"
        ? "EADDRINUSE: another process listens on it"
        : cause.code === "EACCES"
          ? "EACCES: not allowed to listen on it"
          : (cause.code ?? cause.message);
    super(
      `cannot serve /health, /ready and /metrics on port ${port} (${why}) — stop that process, or set HTTP_PORT to a free port`,
      { cause },
    );
    this.name = "HealthPortUnavailableError";
    this.port = port;
  }
}
