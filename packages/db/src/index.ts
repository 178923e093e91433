export * from "./bar-time.ts";
export * from "./create-database.ts";
export * from "./create-read-database.ts";
export * from "./database-not-migrated-error.ts";
export * from "./migrate.ts";
export * from "./ping-database.ts";
export * from "./repositories/alert-repository.ts";
export * from "./repositories/api-key-repository.ts";
export * from "./repositories/api-request-repository.ts";
export * from "./repositories/backtest-repository.ts";
export * from "./repositories/backtest-run-list-repository.ts";
export * from "./repositories/bot-status-repository.ts";
export * from "./repositories/chart-bars-repository.ts";
export * from "./repositories/database-instance-repository.ts";
export * from "./repositories/delivery-repository.ts";
export * from "./repositories/digest-repository.ts";
export * from "./repositories/freshness-repository.ts";
export * from "./repositories/index-series-repository.ts";
export * from "./repositories/live-recipient-repository.ts";
export * from "./repositories/market-data-partitions.ts";
export * from "./repositories/market-data-repository.ts";
export * from "./repositories/portfolio-repository.ts";
export * from "./repositories/scan-repository.ts";
export * from "./repositories/server-version-repository.ts";
export * from "./repositories/signal-page-repository.ts";
export * from "./repositories/signal-repository.ts";
export * from "./repositories/stock-repository.ts";
export * from "./repositories/subscriber-repository.ts";
export * from "./repositories/subscriber-settings-repository.ts";
export * from "./repositories/symbol-repository.ts";
export * from "./repositories/track-record-repository.ts";
export type * from "./schema.ts";
export {
  ALERT_STATES,
  API_KEY_ROLES,
  BACKTEST_RUN_STATUSES,
  DELIVERY_MODES,
  DELIVERY_STATUSES,
} from "./schema.ts";
