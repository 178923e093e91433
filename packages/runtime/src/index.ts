export * from "./config.ts";
export * from "./health-server.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./observe-worker.ts";
export * from "./queues.ts";
export * from "./redis-check.ts";
export * from "./shutdown.ts";
