/**
 * @vpa/api — the HTTP API (issue 13): signals, symbols and bars, subscriptions, backtests, paper
 * portfolios and operations under /api/v1, with keys, roles and per-key rate limits, its OpenAPI
 * document and docs page, and the web dashboard.
 */
export * from "./api-context.ts";
export * from "./api-key-secret.ts";
export * from "./api-problem.ts";
export * from "./api-rate-limiter.ts";
export * from "./build-api-app.ts";
export * from "./start-api-server.ts";
