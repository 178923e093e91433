import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics. One prefix (`vpa_`), base units, `_total` counters, and no
 * high-cardinality labels (never a symbol or a chat id). Every failure counter has an attempts twin.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly jobsProcessed: Counter<"queue">;
  readonly jobsFailed: Counter<"queue">;
  readonly jobDuration: Histogram<"queue">;
  readonly lastJobCompletedAt: Gauge<"queue">;
  readonly signalsGenerated: Counter<"type" | "bias">;
  /** Symbols an analyze job took, by outcome (`analysed`, `failed`): a scan's throughput in symbols (a job is a chunk). */
  readonly symbolsAnalyzed: Counter<"outcome">;
  readonly alertDeliveryAttempts: Counter<"channel" | "priority">;
  readonly alertsSent: Counter<"channel" | "priority">;
  readonly alertDeliveriesFailed: Counter<"channel" | "priority" | "reason">;
  /**
   * Alert charts a worker got for its deliveries, by `source`: `drawn` here, from the shared
   * `cache` (drawn before by any worker), `none` (no bar stored, or the drawing failed). Charts
   * reused within a process are not counted: summed over workers, `drawn` against the alerts sent
   * says how often a chart is drawn twice.
   */
  readonly alertCharts: Counter<"source">;
  /** 0 closed, 1 open, 2 half-open, per market-data provider. */
  readonly circuitBreakerState: Gauge<"provider">;
  readonly providerRequests: Counter<"provider" | "outcome">;
  /** Seconds since the newest bar or tick of a live stream. */
  readonly dataStaleness: Gauge<"stream">;
  readonly barsIngested: Counter<"source">;
  /** A live stream's closed bar, from its announcement to its signals stored and alerted (analysis included). */
  readonly streamBarHandling: Histogram<"stream">;
  /** Forming-bar evaluations of provisional signals (vpa-signals.md §10). */
  readonly provisionalEvaluations: Counter<"stream">;
  /** Provisional alerts and their follow-ups, by kind (`provisional`, `held`, `did-not-hold`). */
  readonly provisionalAlerts: Counter<"stream" | "kind">;
  /** A paper portfolio's value at its last close, VND (a handful of named portfolios). */
  readonly portfolioValue: Gauge<"portfolio">;
  /** A paper portfolio's open positions at its last close. */
  readonly portfolioPositions: Gauge<"portfolio">;
  /** HTTP API requests by method, route pattern (never the raw URL) and status code. */
  readonly httpRequestDuration: Histogram<"method" | "route" | "status">;
}

export function createMetrics(options: { collectProcessMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "vpa_" });
  const registers = [registry];
  return {
    registry,
    jobsProcessed: new Counter({
      name: "vpa_jobs_processed_total",
      help: "Jobs taken by this worker (succeeded or failed), by queue",
      labelNames: ["queue"],
      registers,
    }),
    jobsFailed: new Counter({
      name: "vpa_jobs_failed_total",
      help: "Job attempts that failed, by queue",
      labelNames: ["queue"],
      registers,
    }),
    jobDuration: new Histogram({
      name: "vpa_job_duration_seconds",
      help: "Time from job start to completion or failure",
      labelNames: ["queue"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    lastJobCompletedAt: new Gauge({
      name: "vpa_last_job_completed_timestamp_seconds",
      help: "Unix time of the last completed job, by queue",
      labelNames: ["queue"],
      registers,
    }),
    signalsGenerated: new Counter({
      name: "vpa_signals_generated_total",
      help: "New VPA signals stored, by type and bias",
      labelNames: ["type", "bias"],
      registers,
    }),
    symbolsAnalyzed: new Counter({
      name: "vpa_symbols_analyzed_total",
      help: "Symbols analyze jobs took, by outcome (analysed, failed); a job covers a chunk of symbols",
      labelNames: ["outcome"],
      registers,
    }),
    alertDeliveryAttempts: new Counter({
      name: "vpa_alert_delivery_attempts_total",
      help: "Alert sends attempted, by channel and priority",
      labelNames: ["channel", "priority"],
      registers,
    }),
    alertsSent: new Counter({
      name: "vpa_alerts_sent_total",
      help: "Alerts delivered, by channel and priority",
      labelNames: ["channel", "priority"],
      registers,
    }),
    alertDeliveriesFailed: new Counter({
      name: "vpa_alert_deliveries_failed_total",
      help: "Alert sends that failed, by channel, priority and reason (rate_limited, unreachable, transient, permanent)",
      labelNames: ["channel", "priority", "reason"],
      registers,
    }),
    alertCharts: new Counter({
      name: "vpa_alert_charts_total",
      help: "Alert charts a worker got, by source: drawn here, from the shared cache, or none",
      labelNames: ["source"],
      registers,
    }),
    circuitBreakerState: new Gauge({
      name: "vpa_circuit_breaker_state",
      help: "State of a market-data provider's circuit breaker: 0 closed, 1 open, 2 half-open",
      labelNames: ["provider"],
      registers,
    }),
    providerRequests: new Counter({
      name: "vpa_provider_requests_total",
      help: "Market-data HTTP requests by provider and outcome (ok, retry, failed)",
      labelNames: ["provider", "outcome"],
      registers,
    }),
    dataStaleness: new Gauge({
      name: "vpa_data_staleness_seconds",
      help: "Seconds since the newest bar or tick received on a live stream",
      labelNames: ["stream"],
      registers,
    }),
    barsIngested: new Counter({
      name: "vpa_bars_ingested_total",
      help: "Bars stored, by source (import, fetch, stream, backfill)",
      labelNames: ["source"],
      registers,
    }),
    streamBarHandling: new Histogram({
      name: "vpa_stream_bar_handling_seconds",
      help: "A live stream's closed bar, from its announcement to its signals stored and alerted",
      labelNames: ["stream"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    provisionalEvaluations: new Counter({
      name: "vpa_provisional_evaluations_total",
      help: "Forming-bar evaluations of provisional signals on a live stream",
      labelNames: ["stream"],
      registers,
    }),
    provisionalAlerts: new Counter({
      name: "vpa_provisional_alerts_total",
      help: "Provisional alerts (kind provisional) and their follow-ups at the close (held, did-not-hold)",
      labelNames: ["stream", "kind"],
      registers,
    }),
    portfolioValue: new Gauge({
      name: "vpa_portfolio_value",
      help: "A paper portfolio's value at its last close (cash + positions at the close), VND",
      labelNames: ["portfolio"],
      registers,
    }),
    portfolioPositions: new Gauge({
      name: "vpa_portfolio_positions",
      help: "A paper portfolio's open positions at its last close",
      labelNames: ["portfolio"],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: "vpa_http_request_duration_seconds",
      help: "HTTP API requests from arrival to the response sent, by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
