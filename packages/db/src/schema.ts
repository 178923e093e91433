import type { AlertPriority, Bias, ConfirmationOutcome, market } from "@vpa/core";
import type { ColumnType, Generated } from "kysely";

/** Column types as kysely sees them. Prices are thousand VND; bigint columns are parsed to number. */
export interface Database {
  stocks: StocksTable;
  market_data: MarketDataTable;
  vpa_signals: VpaSignalsTable;
  vpa_signal_confirmations: VpaSignalConfirmationsTable;
  subscribers: SubscribersTable;
  subscriptions: SubscriptionsTable;
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
  scans: ScansTable;
  digests: DigestsTable;
  backtest_runs: BacktestRunsTable;
  backtest_trades: BacktestTradesTable;
  backtest_equity: BacktestEquityTable;
  signal_track_record_settings: SignalTrackRecordSettingsTable;
  signal_outcomes: SignalOutcomesTable;
  portfolios: PortfoliosTable;
  portfolio_positions: PortfolioPositionsTable;
  portfolio_performance: PortfolioPerformanceTable;
  api_keys: ApiKeysTable;
  api_key_subscriptions: ApiKeySubscriptionsTable;
  api_backtest_requests: ApiBacktestRequestsTable;
}

type CreatedAt = ColumnType<Date, never, never>;

export interface StocksTable {
  id: Generated<number>;
  symbol: string;
  name: string | null;
  sector: string | null;
  exchange: market.Exchange | null;
  is_active: Generated<boolean>;
  /** An index (migration 0010): bars in index points; never scanned, traded or alerted. */
  is_index: Generated<boolean>;
  created_at: CreatedAt;
}

export interface MarketDataTable {
  stock_id: number;
  timeframe: string;
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  value: number | null;
  foreign_buy: number | null;
  foreign_sell: number | null;
}

export interface VpaSignalsTable {
  id: Generated<number>;
  stock_id: number;
  timeframe: string;
  time: Date;
  type: string;
  bias: Bias;
  score: number;
  confidence: ColumnType<number, number, number>;
  priority: AlertPriority;
  variant: string | null;
  volume_ratio: number;
  spread_ratio: number;
  close_location: number;
  trend: string;
  close: number;
  volume: number;
  price_change: number;
  conditions: ColumnType<Record<string, unknown>, string, string>;
  created_at: CreatedAt;
}

export interface VpaSignalConfirmationsTable {
  signal_id: number;
  time: Date;
  outcome: ConfirmationOutcome;
  confidence: number;
  created_at: CreatedAt;
}

export interface SubscribersTable {
  id: Generated<number>;
  name: string | null;
  /** A channel of the alerts' registry; the check constraint lists the stored ones. */
  channel: string;
  address: string;
  is_active: Generated<boolean>;
  deactivated_reason: string | null;
  /** Local (Asia/Ho_Chi_Minh) minutes after midnight; both null or both set. */
  quiet_start: Generated<number | null>;
  quiet_end: Generated<number | null>;
  /** `digest`: non-HIGH alerts of a scan arrive as one digest; `instant`: each alert at once. */
  delivery_mode: Generated<DeliveryMode>;
  /** How many alerts a digest lists before "and K more". */
  digest_top: Generated<number>;
  /** `vi` or `en`; null: ALERT_LANGUAGE. */
  language: Generated<"vi" | "en" | null>;
  /** No alerts until then (`/pause`). */
  paused_until: Generated<Date | null>;
  /** Also the provisional alerts of forming intraday bars (`/live on`; migration 0013). */
  live: Generated<boolean>;
  created_at: CreatedAt;
}

export const DELIVERY_MODES = ["digest", "instant"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export interface SubscriptionsTable {
  id: Generated<number>;
  subscriber_id: number;
  symbols: string[] | null;
  signal_types: string[] | null;
  min_score: Generated<number>;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface AlertsTable {
  id: Generated<number>;
  signal_id: number;
  priority: AlertPriority;
  /** Rendered by the alert job; null until it first runs. */
  message: string | null;
  state: Generated<AlertState>;
  settled_at: Date | null;
  /** The scan whose analyze job stored the signal; its non-HIGH alerts go into that scan's digests. */
  scan_id: number | null;
  last_error: string | null;
  channels_sent: Generated<string[]>;
  is_sent: Generated<boolean>;
  sent_at: Date | null;
  created_at: CreatedAt;
}

/** docs/delivery.md: pending (owed) → done (every recipient settled) | gave_up (retry budget spent). */
export const ALERT_STATES = ["pending", "done", "gave_up"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const DELIVERY_STATUSES = [
  "queued",
  "sending",
  "sent",
  "retry",
  "failed",
  "uncertain",
  "suppressed",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface AlertDeliveriesTable {
  id: Generated<number>;
  /** Exactly one of alert_id and digest_id is set: what this delivery sends. */
  alert_id: number | null;
  digest_id: number | null;
  subscriber_id: number;
  channel: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  provider_message_id: string | null;
  error: string | null;
  claimed_at: Generated<Date>;
  sent_at: Date | null;
}

export interface ScansTable {
  id: Generated<number>;
  timeframe: string;
  analyze_job_ids: string[];
  digest_state: Generated<"waiting" | "built">;
  created_at: CreatedAt;
  built_at: Date | null;
}

export interface DigestsTable {
  id: Generated<number>;
  scan_id: number;
  subscriber_id: number;
  items: ColumnType<unknown[], string, string>;
  total: number;
  created_at: CreatedAt;
}

export const BACKTEST_RUN_STATUSES = [
  "queued",
  "running",
  "cancelling",
  "cancelled",
  "completed",
  "failed",
] as const;
export type BacktestRunStatus = (typeof BACKTEST_RUN_STATUSES)[number];

/** A single backtest, a sweep of runs, or a walk-forward of training sweeps (migration 0010). */
export type BacktestRunKind = "run" | "sweep" | "walk-forward";

/** A backtest or a sweep (migration 0002). Dates are `date` columns, read as text. */
export interface BacktestRunsTable {
  id: string;
  kind: BacktestRunKind;
  parent_id: string | null;
  status: Generated<BacktestRunStatus>;
  config: ColumnType<unknown, string, string>;
  progress: Generated<number>;
  metrics: ColumnType<unknown, string | null, string | null>;
  summary: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_at: CreatedAt;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface BacktestTradesTable {
  run_id: string;
  seq: number;
  symbol: string;
  signal_type: string;
  signal_time: string;
  signal_score: number;
  entry_time: string;
  entry_price: number;
  quantity: number;
  exit_time: string;
  exit_price: number;
  exit_reason: string;
  holding_days: number;
  gross_pnl: number;
  fees: number;
  tax: number;
  net_pnl: number;
  net_return: number;
}

export interface BacktestEquityTable {
  run_id: string;
  time: string;
  equity: number;
  cash: number;
  invested: number;
  positions: number;
  benchmark: number;
  index_value: number | null;
}

/** What the stored track record was computed with (migration 0008): one row. */
export interface SignalTrackRecordSettingsTable {
  id: Generated<boolean>;
  seed: number;
  brokerage_rate: number;
  horizons: number[];
  created_at: CreatedAt;
}

/** Per (signal, horizon) outcome (migration 0008); null returns are not final yet. Prices thousand VND. */
export interface SignalOutcomesTable {
  signal_id: number;
  horizon: number;
  average_traded_value: number;
  liquidity_band: string;
  entry_time: Date | null;
  entry_price: number | null;
  exit_time: Date | null;
  exit_price: number | null;
  net_return: number | null;
  hit: boolean | null;
  chance_status: "drawn" | "waiting" | "none";
  chance_bar_time: Date | null;
  chance_waiting_until: ColumnType<string | null, string | null, string | null>;
  chance_entry_time: Date | null;
  chance_entry_price: number | null;
  chance_exit_time: Date | null;
  chance_exit_price: number | null;
  chance_net_return: number | null;
  chance_hit: boolean | null;
  updated_at: Generated<Date>;
}

/** A paper portfolio (migration 0011). Dates are `date` columns, read as text. */
export interface PortfoliosTable {
  id: Generated<number>;
  name: string;
  config: ColumnType<unknown, string, string>;
  started_on: string;
  state: ColumnType<unknown, string, string>;
  last_session: string | null;
  created_at: CreatedAt;
}

/** An open or closed paper position (migration 0011). Prices and money VND. */
export interface PortfolioPositionsTable {
  portfolio_id: number;
  symbol: string;
  status: "open" | "closed";
  signal_type: string;
  signal_time: string;
  signal_score: number;
  entry_time: string;
  entry_price: number;
  quantity: number;
  last_price: number | null;
  exit_time: string | null;
  exit_price: number | null;
  exit_reason: string | null;
  holding_days: number | null;
  gross_pnl: number | null;
  fees: number;
  tax: number | null;
  net_pnl: number | null;
  net_return: number | null;
}

/** A paper portfolio at one session's close (migration 0011). Money VND; the index in points. */
export interface PortfolioPerformanceTable {
  portfolio_id: number;
  date: string;
  cash: number;
  invested: number;
  value: number;
  positions: number;
  daily_return: number | null;
  index_close: number | null;
}

export const API_KEY_ROLES = ["reader", "trader", "admin"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** An HTTP API key (migration 0012): only the SHA-256 (hex) of its secret is stored. */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: ApiKeyRole;
  secret_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** The key that created a subscription through the API (migration 0012). */
export interface ApiKeySubscriptionsTable {
  subscription_id: number;
  api_key_id: number;
}

/** A `POST /backtests` under an `Idempotency-Key` (migration 0012). */
export interface ApiBacktestRequestsTable {
  api_key_id: number;
  idempotency_key: string;
  request_hash: string;
  run_id: string;
  created_at: CreatedAt;
}
