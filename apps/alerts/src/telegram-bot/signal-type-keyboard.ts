import { SIGNAL_TYPES } from "@vpa/core";
import {
  type Database,
  findOwnSubscription,
  type OwnSubscription,
  setSubscriptionSignalTypes,
} from "@vpa/db";
import type { Kysely } from "kysely";
import type { Catalogue } from "../i18n/catalogue.ts";
import { signalLabelText } from "../render/signal-label.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotReply, InlineKeyboard } from "./bot-reply.ts";
import { subscriptionParts } from "./describe-subscription.ts";

/**
 * The buttons under a /subscribe confirmation: one per signal type of the registry (ticked when
 * the subscription includes it), "All types" and "Done". A tap changes the stored subscription at
 * once, so the state lives in the database, not in this process: a restart between two taps loses
 * nothing, and the message is edited to show what is stored.
 *
 * Callback data (at most 64 bytes): `types:<subscription id>:<TYPE | * | done>`. The id is
 * checked against the chat that tapped: a chat can only change its own subscriptions.
 */
const PREFIX = "types";
const ALL = "*";
const DONE = "done";
const TAP = /^types:(\d{1,16}):([A-Z_]{1,40}|\*|done)$/;

export type SignalTypeAction =
  | { readonly kind: "toggle"; readonly type: string }
  | { readonly kind: "all" }
  | { readonly kind: "done" };

export interface SignalTypeTap {
  readonly subscriptionId: number;
  readonly action: SignalTypeAction;
}

/** A tap on this keyboard, or null for any other callback data. */
export function parseSignalTypeTap(data: string): SignalTypeTap | null {
  const match = TAP.exec(data);
  if (match === null) return null;
  const subscriptionId = Number(match[1]);
  const action = match[2]!;
  if (!Number.isSafeInteger(subscriptionId)) return null;
  if (action === ALL) return { subscriptionId, action: { kind: "all" } };
  if (action === DONE) return { subscriptionId, action: { kind: "done" } };
  return (SIGNAL_TYPES as readonly string[]).includes(action)
    ? { subscriptionId, action: { kind: "toggle", type: action } }
    : null;
}

/**
 * The types after a tap on `type`: added, or removed if it was there. From "every type" (null) a
 * tap picks that one type. None left, or every one ticked, is every type again (null).
 *
 * @example
 * toggleSignalType(null, "SPRING");                 // ["SPRING"]
 * toggleSignalType(["SPRING", "TEST"], "SPRING");   // ["TEST"]
 * toggleSignalType(["SPRING"], "SPRING");           // null
 */
export function toggleSignalType(current: readonly string[] | null, type: string): string[] | null {
  const chosen = new Set(current ?? []);
  if (chosen.has(type)) chosen.delete(type);
  else chosen.add(type);
  if (chosen.size === 0 || SIGNAL_TYPES.every((known) => chosen.has(known))) return null;
  return [...chosen].sort();
}

const TICKED = "✅";
const UNTICKED = "⬜";

export function signalTypeKeyboard(subscription: OwnSubscription, text: Catalogue): InlineKeyboard {
  const data = (action: string) => `${PREFIX}:${subscription.subscriptionId}:${action}`;
  const chosen = new Set(subscription.signalTypes ?? []);
  return [
    // One per row: a Vietnamese name with its English beside it does not fit half a row.
    ...SIGNAL_TYPES.map((type) => [
      {
        text: `${chosen.has(type) ? TICKED : UNTICKED} ${text.signalName(signalLabelText(type, null))}`,
        callbackData: data(type),
      },
    ]),
    [
      {
        text: `${subscription.signalTypes === null ? TICKED : UNTICKED} ${text.subscription.allTypesButton}`,
        callbackData: data(ALL),
      },
      { text: text.subscription.doneButton, callbackData: data(DONE) },
    ],
  ];
}

/**
 * The confirmation of a subscription, with the keyboard to choose its signal types unless the
 * chat is done choosing.
 */
export function subscriptionReply(
  subscription: OwnSubscription,
  text: Catalogue,
  options: { readonly existed: boolean; readonly choosing: boolean },
): BotReply {
  const parts = subscriptionParts(subscription);
  const confirmation = options.existed
    ? text.subscription.already(parts)
    : text.subscription.subscribed(parts);
  if (!options.choosing) return { html: escapeTelegramHtml(confirmation) };
  return {
    html: [confirmation, text.subscription.chooseTypes].map(escapeTelegramHtml).join("\n"),
    keyboard: signalTypeKeyboard(subscription, text),
  };
}

/** What a tap comes to: the toast shown at once, and the message as it should now read. */
export interface TapOutcome {
  readonly toast: string;
  readonly edit: BotReply;
}

/** Carries out a tap for the chat it came from. Idempotent for "all" and "done"; a toggle flips. */
export async function handleSignalTypeTap(
  db: Kysely<Database>,
  chatId: string,
  tap: SignalTypeTap,
  text: Catalogue,
): Promise<TapOutcome> {
  const gone: TapOutcome = {
    toast: text.subscription.gone,
    edit: { html: escapeTelegramHtml(text.subscription.gone) },
  };
  const current = await findOwnSubscription(db, "telegram", chatId, tap.subscriptionId);
  if (current === undefined) return gone;
  const saved = (subscription: OwnSubscription, choosing: boolean): TapOutcome => ({
    toast: text.subscription.typesSaved(subscription.signalTypes?.length ?? null),
    edit: subscriptionReply(subscription, text, { existed: false, choosing }),
  });
  if (tap.action.kind === "done") return saved(current, false);
  const types = tap.action.kind === "all" ? null : toggleSignalType(current.signalTypes, tap.action.type);
  const updated = await setSubscriptionSignalTypes(db, "telegram", chatId, tap.subscriptionId, types);
  return updated === undefined ? gone : saved(updated, true);
}
