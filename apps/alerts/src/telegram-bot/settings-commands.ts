import {
  type Database,
  DIGEST_TOP_RANGE,
  findSubscriberSettings,
  listOwedDeliveryIds,
  type QuietHours,
  setQuietHours,
  updateSubscriberSettings,
} from "@vpa/db";
import { deliveryJobId } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import { formatQuietHours } from "../quiet-hours.ts";
import { formatVietnamTime } from "../render/format-alert-values.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext, HeldDeliveryJobs } from "./bot-command-context.ts";
import type { BotChat } from "./chat-access.ts";
import { MAX_PAUSE_DAYS } from "./parse-bot-command.ts";

/**
 * /digest, /lang, /pause, /resume and /quiet: a chat's own settings (packages/db
 * subscriber-settings-repository.ts). Each answers "subscribe first" when the chat has never
 * subscribed: nothing is created by a setting. Replies are Telegram HTML, escaped.
 */

const DAY_MS = 86_400_000;
/** Owed deliveries whose jobs /resume looks up at once. */
const RELEASE_BATCH = 50;

const telegram = "telegram";

export async function digestReply(
  db: Kysely<Database>,
  chat: BotChat,
  change: { readonly mode: "digest" | "instant" } | { readonly top: number } | null,
  context: BotCommandContext,
): Promise<string> {
  const { settings } = context.text;
  const updated =
    change === null
      ? await findSubscriberSettings(db, telegram, chat.chatId)
      : await updateSubscriberSettings(
          db,
          telegram,
          chat.chatId,
          "mode" in change ? { deliveryMode: change.mode } : { digestTop: change.top },
        );
  if (updated === undefined) return escapeTelegramHtml(settings.subscribeFirst);
  const lines =
    change === null
      ? [
          updated.deliveryMode === "digest"
            ? settings.deliveryDigest(updated.digestTop)
            : settings.deliveryInstant,
          context.text.refusal.digestUsage(DIGEST_TOP_RANGE.max),
        ]
      : "mode" in change
        ? [change.mode === "digest" ? settings.digestOn(updated.digestTop) : settings.digestOff]
        : [
            settings.digestTop(updated.digestTop),
            ...(updated.deliveryMode === "instant" ? [settings.digestTopWhileOff] : []),
          ];
  return lines.map(escapeTelegramHtml).join("\n");
}

/** Sets the chat's language and says so in it; without one, says which it is and how to change it. */
export async function langReply(
  db: Kysely<Database>,
  chat: BotChat,
  language: Language | null,
  context: BotCommandContext,
): Promise<string> {
  if (language === null) {
    return [context.text.settings.language, context.text.refusal.langUsage]
      .map(escapeTelegramHtml)
      .join("\n");
  }
  // The answer is in the language asked for: the chat has just said it reads that one.
  const chosen = catalogueFor(language);
  const updated = await updateSubscriberSettings(db, telegram, chat.chatId, { language });
  return escapeTelegramHtml(
    updated === undefined ? chosen.settings.subscribeFirst : chosen.settings.language,
  );
}

/** Holds the chat's alerts for `durationMs`, or until /resume (at most MAX_PAUSE_DAYS). */
export async function pauseReply(
  db: Kysely<Database>,
  chat: BotChat,
  durationMs: number | null,
  context: BotCommandContext,
): Promise<string> {
  const { settings } = context.text;
  const until = new Date(context.now().getTime() + (durationMs ?? MAX_PAUSE_DAYS * DAY_MS));
  const updated = await updateSubscriberSettings(db, telegram, chat.chatId, { pausedUntil: until });
  if (updated === undefined) return escapeTelegramHtml(settings.subscribeFirst);
  const when = formatVietnamTime(until.getTime(), context.language);
  return escapeTelegramHtml(
    durationMs === null ? settings.pausedUntilResume(when) : settings.pausedFor(when),
  );
}

/**
 * Ends a pause. The deliveries owed meanwhile wait as delayed jobs until the pause's end; they
 * are run now, so "resume" means now (the hourly cap still applies to them, docs/delivery.md).
 */
export async function resumeReply(
  db: Kysely<Database>,
  chat: BotChat,
  context: BotCommandContext,
): Promise<string> {
  const { settings } = context.text;
  const before = await findSubscriberSettings(db, telegram, chat.chatId);
  if (before === undefined) return escapeTelegramHtml(settings.subscribeFirst);
  const wasPaused = before.pausedUntil !== null && before.pausedUntil.getTime() > context.now().getTime();
  if (before.pausedUntil !== null)
    await updateSubscriberSettings(db, telegram, chat.chatId, { pausedUntil: null });
  if (!wasPaused) return escapeTelegramHtml(settings.notPaused);
  const released =
    context.heldDeliveries === undefined
      ? 0
      : await releaseHeldDeliveries(
          context.heldDeliveries(),
          await listOwedDeliveryIds(db, before.subscriberId),
        );
  return escapeTelegramHtml(released > 0 ? settings.resumedWithHeld(released) : settings.resumed);
}

/**
 * Promotes the delayed jobs of these deliveries; returns how many. A job that is not delayed (it
 * is running, or waits for its turn) or cannot be read (Redis away) is left alone: it runs when it
 * would have, nothing is lost.
 */
async function releaseHeldDeliveries(
  jobs: HeldDeliveryJobs,
  deliveryIds: readonly number[],
): Promise<number> {
  let released = 0;
  for (let i = 0; i < deliveryIds.length; i += RELEASE_BATCH) {
    const outcomes = await Promise.allSettled(
      deliveryIds.slice(i, i + RELEASE_BATCH).map(async (deliveryId) => {
        const job = await jobs.getJob(deliveryJobId({ deliveryId }));
        if (job === undefined || !(await job.isDelayed())) return false;
        await job.promote();
        return true;
      }),
    );
    released += outcomes.filter((outcome) => outcome.status === "fulfilled" && outcome.value).length;
    if (outcomes.every((outcome) => outcome.status === "rejected")) break; // Redis is away: stop asking
  }
  return released;
}

export async function quietReply(
  db: Kysely<Database>,
  chat: BotChat,
  window: QuietHours | null,
  context: BotCommandContext,
): Promise<string> {
  const { settings } = context.text;
  const updated = await setQuietHours(db, telegram, chat.chatId, window);
  if (!updated) return escapeTelegramHtml(settings.subscribeFirst);
  return escapeTelegramHtml(window === null ? settings.quietOff : settings.quietOn(formatQuietHours(window)));
}
