export * from "./analyze-symbol.job.ts";
export * from "./analyze-worker.ts";
export * from "./ingest/import-bars.ts";
export * from "./ingest/read-bar-file.ts";
export * from "./ingest/validate-bar-row.ts";
export * from "./scan-market.ts";
export * from "./stock-directory.ts";
