import { formatQuietHours } from "@vpa/alerts";
import { listSubscribers, type SubscriberView } from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";

export const usage =
  "vpa subscribers              every subscriber: channel, address, filters, quiet hours, active [--json]";

/** One subscription's filters in words, e.g. "VCB,FPT · SPRING · score ≥ 70"; "everything" when it has none. */
function describeFilters(subscription: SubscriberView["subscriptions"][number]): string {
  const parts = [
    subscription.symbols === null ? null : subscription.symbols.join(","),
    subscription.signalTypes === null ? null : subscription.signalTypes.join(","),
    subscription.minScore > 0 ? `score ≥ ${subscription.minScore}` : null,
  ].filter((part) => part !== null);
  return parts.length === 0 ? "everything" : parts.join(" · ");
}

/** `vpa subscribers`: who gets alerts, through which channel, with which filters. */
export async function runSubscribers(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("subscribers", args, { json: { type: "boolean" } });
  if (positionals.length > 0) throw new UsageError(`subscribers: unexpected ${positionals.join(" ")}`);
  const subscribers = await listSubscribers(app.database.db);
  if (values.json) {
    console.log(JSON.stringify(subscribers));
    return 0;
  }
  if (subscribers.length === 0) {
    console.log("no subscribers (vpa subscribe --telegram CHAT_ID | --email ADDRESS | ...)");
    return 0;
  }
  console.log(
    formatTable(
      ["id", "channel", "address", "name", "filters", "quiet hours", "active"],
      subscribers.map((s) => [
        s.id,
        s.channel,
        s.address,
        s.name ?? "",
        s.subscriptions.length === 0 ? "none" : s.subscriptions.map(describeFilters).join("; "),
        s.quietHours === null ? "" : formatQuietHours(s.quietHours),
        s.isActive ? "yes" : `no${s.deactivatedReason === null ? "" : ` (${s.deactivatedReason})`}`,
      ]),
    ),
  );
  return 0;
}
