import { DELIVERY_STATUSES, type DeliveryStatus, listDeliveries } from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseInteger, parseOptions } from "../parse-options.ts";

export const usage =
  "vpa alerts                   alert deliveries, newest first [--status sent|failed|uncertain|suppressed|retry|sending] [--since D] [--limit N] [--json]";

/** What went out, what failed and why, what was held back: the operator's view of the alert worker. */
export async function runAlerts(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("alerts", args, {
    status: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`alerts: unexpected ${positionals.join(" ")}`);
  if (values.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(`alerts: --status is one of ${DELIVERY_STATUSES.join(", ")} (got ${values.status})`);
  }
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since !== undefined && Number.isNaN(since.getTime())) {
    throw new UsageError(`alerts: --since must be a date or an instant (got ${values.since})`);
  }
  const deliveries = await listDeliveries(app.database.db, {
    ...(values.status === undefined ? {} : { status: values.status as DeliveryStatus }),
    ...(since === undefined ? {} : { since }),
    limit: parseInteger("alerts", "limit", values.limit, 1, 100_000) ?? 50,
  });
  if (values.json) {
    for (const delivery of deliveries) console.log(JSON.stringify(delivery));
    return 0;
  }
  if (deliveries.length === 0) {
    console.log("no deliveries");
    return 0;
  }
  console.log(
    formatTable(
      ["claimed (UTC)", "symbol", "signal", "priority", "channel", "to", "status", "tries", "error"],
      deliveries.map((d) => [
        d.claimedAt.toISOString().slice(0, 19).replace("T", " "),
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
  return 0;
}
