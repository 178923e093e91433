import {
  countListedDeliveries,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type DeliveryView,
  dateToBarTime,
  listDeliveries,
  REQUEUEABLE_STATUSES,
  type RequeueableStatus,
  readableBarTime,
  requeueDeliveries,
} from "@vpa/db";
import { ALERT_JOB_PRIORITY, alertJobId, DELIVERY_JOB_PRIORITY, deliveryJobId } from "@vpa/runtime";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";

const DEFAULT_LIMIT = 50;

/** What went out, what failed and why, what was held back: the operator's view of the alert worker. */
export async function runAlerts(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("alerts", args);
  if (positionals.length > 0) throw new UsageError(`alerts: unexpected ${positionals.join(" ")}`);
  if (values.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(`alerts: --status is one of ${DELIVERY_STATUSES.join(", ")} (got ${values.status})`);
  }
  const since = parseSince("alerts", values.since);
  const filter = {
    ...(values.status === undefined ? {} : { status: values.status as DeliveryStatus }),
    ...(since === undefined ? {} : { since }),
  };
  const limit = parseInteger("alerts", "limit", values.limit, 1, 100_000) ?? DEFAULT_LIMIT;
  const [deliveries, total] = await Promise.all([
    listDeliveries(app.database.db, { ...filter, limit }),
    countListedDeliveries(app.database.db, filter),
  ]);
  if (values.json) {
    console.log(JSON.stringify({ total, shown: deliveries.length, deliveries: deliveries.map(toJson) }));
    return 0;
  }
  if (deliveries.length === 0) {
    console.log(
      total === 0 && filter.status === undefined && since === undefined
        ? "no deliveries yet"
        : "no deliveries match",
    );
    return 0;
  }
  console.log(
    formatTable(
      [
        "claimed (Vietnam)",
        "bar",
        "symbol",
        "signal",
        "priority",
        "channel",
        "to",
        "status",
        "tries",
        "error",
      ],
      deliveries.map((d) => [
        vietnamTime(d.claimedAt).slice(0, 19).replace("T", " "),
        readableBarTime(d.barTime),
        d.symbol,
        d.signalType,
        d.priority,
        d.channel,
        d.address.length > 40 ? `${d.address.slice(0, 37)}...` : d.address,
        d.status,
        d.attempts,
        (d.error ?? "").slice(0, 60),
      ]),
    ),
  );
  if (total > deliveries.length) {
    console.log(
      `showing the newest ${deliveries.length} of ${total}: --limit N for more, --status or --since to narrow`,
    );
  }
  const uncertain = deliveries.filter((d) => d.status === "uncertain").length;
  if (uncertain > 0) {
    console.log(
      `${uncertain} uncertain: the provider may or may not have delivered them (a worker died or the answer was lost mid-send); ` +
        "they are not resent on their own. To send them anyway (possibly twice): vpa alerts retry --status uncertain",
    );
  }
  return 0;
}

/**
 * `vpa alerts retry`: owes again what did not go out (docs/delivery.md). Failed deliveries and
 * alerts that gave up by default; `uncertain` only when named, since those may have arrived.
 */
export async function runAlertsRetry(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("alerts retry", args);
  if (positionals.length > 0) throw new UsageError(`alerts retry: unexpected ${positionals.join(" ")}`);
  // `retry` rows are owed already (their job retries them, the sweeper makes sure it exists):
  // by default only what ended badly is owed again.
  const statuses = (parseList(values.status) ?? ["failed"]) as RequeueableStatus[];
  for (const status of statuses) {
    if (!(REQUEUEABLE_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(
        `alerts retry: --status takes ${REQUEUEABLE_STATUSES.join(", ")} (comma-separated), not ${status}`,
      );
    }
  }
  const since = parseSince("alerts retry", values.since);
  const { alerts, deliveries } = await requeueDeliveries(app.database.db, {
    statuses,
    ...(since === undefined ? {} : { since }),
  });
  // The earlier jobs ended (completed or failed): their ids would hide the new work.
  const deliveryJobs = deliveries.map((delivery) => ({
    payload: { deliveryId: delivery.id },
    jobId: deliveryJobId({ deliveryId: delivery.id }),
    priority: DELIVERY_JOB_PRIORITY[delivery.priority],
  }));
  const deliveriesQueue = app.queue("deliveries");
  await deliveriesQueue.removeFinished(
    deliveryJobs.map((job) => job.jobId),
    { includeCompleted: true },
  );
  if (deliveryJobs.length > 0) await deliveriesQueue.addBulk(deliveryJobs);
  const alertJobs = alerts.map((alert) => ({
    payload: { signalId: alert.signalId },
    jobId: alertJobId({ signalId: alert.signalId }),
    priority: ALERT_JOB_PRIORITY[alert.priority],
  }));
  const alertsQueue = app.queue("alerts");
  await alertsQueue.removeFinished(
    alertJobs.map((job) => job.jobId),
    { includeCompleted: true },
  );
  if (alertJobs.length > 0) await alertsQueue.addBulk(alertJobs);
  const result = { deliveries: deliveries.length, alerts: alerts.length, statuses };
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  if (deliveries.length + alerts.length === 0) {
    console.log(
      `nothing to retry (no ${statuses.join(" or ")} deliveries${since === undefined ? "" : " since then"})`,
    );
    return 0;
  }
  const parts = [
    ...(deliveries.length > 0
      ? [`${deliveries.length} ${deliveries.length === 1 ? "delivery" : "deliveries"}`]
      : []),
    ...(alerts.length > 0
      ? [`${alerts.length} ${alerts.length === 1 ? "alert" : "alerts"} that gave up`]
      : []),
  ];
  console.log(`requeued ${parts.join(" and ")}; a running alerts worker sends them now (vpa worker alerts)`);
  if (statuses.includes("uncertain")) {
    console.log("uncertain deliveries may already have arrived: their recipients may get them twice");
  }
  return 0;
}

function parseSince(command: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value);
  if (Number.isNaN(since.getTime())) {
    throw new UsageError(
      `${command}: --since must be a date (YYYY-MM-DD, Vietnam) or an instant (got ${value})`,
    );
  }
  return since;
}

/** An instant as Vietnam local time with its offset: `2021-07-15T15:10:02+07:00`. */
function vietnamTime(date: Date): string {
  return dateToBarTime(date, "1m");
}

function toJson(delivery: DeliveryView): Record<string, unknown> {
  return {
    alertId: delivery.alertId,
    symbol: delivery.symbol,
    signalType: delivery.signalType,
    barTime: delivery.barTime,
    priority: delivery.priority,
    channel: delivery.channel,
    address: delivery.address,
    status: delivery.status,
    attempts: delivery.attempts,
    error: delivery.error,
    claimedAt: vietnamTime(delivery.claimedAt),
    sentAt: delivery.sentAt === null ? null : vietnamTime(delivery.sentAt),
  };
}
