import { formatQuietHours } from "@vpa/alerts";
import {
  listSubscriberSettings,
  listSubscribers,
  type SubscriberSettings,
  type SubscriberView,
} from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatTable } from "../format-table.ts";
import { parseOptions } from "../parse-options.ts";

/** One subscription's filters in words, e.g. "VCB,FPT · SPRING · score ≥ 70"; "everything" when it has none. */
function describeFilters(subscription: SubscriberView["subscriptions"][number]): string {
  const parts = [
    subscription.symbols === null ? null : subscription.symbols.join(","),
    subscription.signalTypes === null ? null : subscription.signalTypes.join(","),
    subscription.minScore > 0 ? `score ≥ ${subscription.minScore}` : null,
  ].filter((part) => part !== null);
  return parts.length === 0 ? "everything" : parts.join(" · ");
}

/** Vietnam has used UTC+7 all year since 1975; quiet hours are in Vietnam time too. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** `2024-03-05 14:00 (UTC+7)`. */
function formatVietnamTime(instant: Date): string {
  const local = new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (UTC+7)`;
}

/** How alerts reach a subscriber: "digest 10" (a digest per scan, listing 10) or "instant". */
function describeDelivery(settings: SubscriberSettings | undefined): string {
  if (settings === undefined) return "";
  return settings.deliveryMode === "digest" ? `digest ${settings.digestTop}` : "instant";
}

/** `vpa subscribers`: who gets alerts, through which channel, with which filters and settings. */
export async function runSubscribers(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("subscribers", args);
  if (positionals.length > 0) throw new UsageError(`subscribers: unexpected ${positionals.join(" ")}`);
  const [subscribers, allSettings] = await Promise.all([
    listSubscribers(app.database.db),
    listSubscriberSettings(app.database.db),
  ]);
  const settingsById = new Map(allSettings.map((settings) => [settings.subscriberId, settings]));
  const now = Date.now();
  if (values.json) {
    const withSettings = subscribers.map((s) => {
      const settings = settingsById.get(s.id);
      return {
        ...s,
        deliveryMode: settings?.deliveryMode ?? null,
        digestTop: settings?.digestTop ?? null,
        language: settings?.language ?? null,
        pausedUntil: settings?.pausedUntil ?? null,
        live: settings?.live ?? false,
      };
    });
    console.log(JSON.stringify(withSettings));
    return 0;
  }
  if (subscribers.length === 0) {
    console.log("no subscribers (vpa subscribe --telegram CHAT_ID | --email ADDRESS | ...)");
    return 0;
  }
  console.log(
    formatTable(
      [
        "id",
        "channel",
        "address",
        "name",
        "filters",
        "quiet hours",
        "active",
        "delivery",
        "language",
        "paused until",
      ],
      subscribers.map((s) => {
        const settings = settingsById.get(s.id);
        const pausedUntil = settings?.pausedUntil ?? null;
        return [
          s.id,
          s.channel,
          s.address,
          s.name ?? "",
          s.subscriptions.length === 0 ? "none" : s.subscriptions.map(describeFilters).join("; "),
          s.quietHours === null ? "" : formatQuietHours(s.quietHours),
          s.isActive ? "yes" : `no${s.deactivatedReason === null ? "" : ` (${s.deactivatedReason})`}`,
          describeDelivery(settings),
          // A subscriber who chose none reads ALERT_LANGUAGE.
          settings?.language ?? `${app.config.alerts.language} (default)`,
          pausedUntil !== null && pausedUntil.getTime() > now ? formatVietnamTime(pausedUntil) : "",
        ];
      }),
    ),
  );
  return 0;
}
