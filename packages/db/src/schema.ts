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
}

type CreatedAt = ColumnType<Date, never, never>;

export interface StocksTable {
  id: Generated<number>;
  symbol: string;
  name: string | null;
  sector: string | null;
  exchange: "HOSE" | "HNX" | "UPCOM" | null;
  is_active: Generated<boolean>;
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
  bias: "bull" | "bear";
  score: number;
  confidence: ColumnType<number, number, number>;
  priority: "HIGH" | "MEDIUM" | "LOW";
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
  outcome: "confirmed" | "failed";
  confidence: number;
  created_at: CreatedAt;
}

export interface SubscribersTable {
  id: Generated<number>;
  name: string | null;
  channel: "telegram" | "email" | "console";
  address: string;
  is_active: Generated<boolean>;
  deactivated_reason: string | null;
  created_at: CreatedAt;
}

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
  priority: "HIGH" | "MEDIUM" | "LOW";
  message: string;
  channels_sent: Generated<string[]>;
  is_sent: Generated<boolean>;
  sent_at: Date | null;
  created_at: CreatedAt;
}

export const DELIVERY_STATUSES = ["sending", "sent", "retry", "failed", "uncertain"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface AlertDeliveriesTable {
  id: Generated<number>;
  alert_id: number;
  subscriber_id: number;
  channel: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  provider_message_id: string | null;
  error: string | null;
  claimed_at: Generated<Date>;
  sent_at: Date | null;
}
