import type { ProvisionalAlertEvent } from "@vpa/core";
import { type Database, findLiveRecipients } from "@vpa/db";
import type { RateBooking } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { ChannelSender } from "../channels/channel.ts";
import type { ChannelPacing } from "../channels/channel-pacing.ts";
import { DeliveryRateLimitedError } from "../channels/delivery-rate-limited-error.ts";
import { sendInWindow } from "../channels/send-in-window.ts";
import type { DeliveryRateLimiter } from "../deliver.job.ts";
import type { Language } from "../i18n/language.ts";
import { quietHoursDelayMs } from "../quiet-hours.ts";
import type { RenderedMessage } from "../render/rendered-message.ts";
import { renderProvisionalEvent } from "./render-provisional-event.ts";

export interface ProvisionalDeliveryDependencies {
  readonly db: Kysely<Database>;
  /** The process's senders (createSenders); a recipient on a channel without one is skipped. */
  readonly senders: ReadonlyMap<string, ChannelSender>;
  /** ALERT_LANGUAGE: for subscribers who chose none. */
  readonly defaultLanguage: Language;
  /** Wall clock, epoch ms (pauses and quiet hours). */
  readonly now: () => number;
  /** A send that failed: logged by the caller. Never thrown. */
  readonly onSendError: (error: unknown, recipient: { channel: string; subscriberId: number }) => void;
  /**
   * The alert workers' shared rate limiter and each channel's limits: a provisional alert takes a
   * slot like any delivery (Telegram's 30/s per bot, 1/s per chat count every message), and a 429
   * pauses every sender. Without it, sends are not paced (tests, console).
   */
  readonly pacing?: {
    readonly limiter: DeliveryRateLimiter;
    readonly of: (channel: string) => ChannelPacing;
  };
}

/**
 * A slot further off than this, counted from a recipient's turn: the provisional alert is dropped
 * (it would arrive stale). A retry after a 429 stays within it too.
 */
const MAX_SLOT_WAIT_MS = 5_000;

export interface ProvisionalDeliveryResult {
  readonly sent: number;
  /** In quiet hours, no sender for the channel, or no rate-limit slot soon enough. */
  readonly skipped: number;
  readonly failed: number;
}

/**
 * Sends one provisional event (vpa-signals.md §10) to every live subscriber whose subscription
 * wants the signal, each in their language. Unlike a final alert it is perishable: nothing is
 * recorded in the alert ledger, a send is dropped when no slot of the limits comes within
 * {@link MAX_SLOT_WAIT_MS} of its turn, a send answered 429 is tried once more within that time
 * (after the pause it sets for every sender) and a failed one is not, and a subscriber in quiet
 * hours or paused is skipped rather than held (the bar has closed long before).
 *
 * Urgency (docs/delivery.md, "Urgent sends burst"): a provisional alert and a "did not hold" may
 * spend the bot's burst (one is worth something only now, the other corrects it for whoever acted
 * on it); a "held" is paced as bulk: the closed bar's own alert carries the news, and at a close
 * the held lines must not take the burst from that close's HIGH alerts (bench/live: 51 follow-ups
 * leaving at once held 19 HIGH alerts of one minute seconds behind).
 * At most once per (symbol, timeframe, bar, type) is the caller's claim (the stream's Redis
 * ledger), so a subscriber gets each provisional alert and each follow-up once.
 */
export async function deliverProvisionalEvent(
  deps: ProvisionalDeliveryDependencies,
  event: ProvisionalAlertEvent,
): Promise<ProvisionalDeliveryResult> {
  const now = deps.now();
  const match =
    event.kind === "provisional"
      ? { symbol: event.record.symbol, type: event.record.type, score: event.record.score }
      : { symbol: event.symbol, type: event.type, score: event.score };
  const recipients = await findLiveRecipients(deps.db, { ...match, now: new Date(now) });
  const rendered = new Map<Language, RenderedMessage>();
  const urgent = event.kind !== "held";
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  for (const recipient of recipients) {
    const sender = deps.senders.get(recipient.channel);
    const quiet =
      recipient.quietStart === null || recipient.quietEnd === null
        ? null
        : { start: recipient.quietStart, end: recipient.quietEnd };
    if (sender === undefined || quietHoursDelayMs(quiet, now) > 0) {
      skipped++;
      continue;
    }
    const language = recipient.language ?? deps.defaultLanguage;
    let message = rendered.get(language);
    if (message === undefined) {
      message = renderProvisionalEvent(event, language);
      rendered.set(language, message);
    }
    const outcome = await sendOne(deps, recipient, sender, message, {
      key: `provisional.${event.kind}.${match.symbol}.${match.type}.${recipient.subscriberId}`,
      urgent,
    });
    if (outcome === "sent") sent++;
    else if (outcome === "skipped") skipped++;
    else failed++;
  }
  return { sent, skipped, failed };
}

/**
 * One recipient's send: a slot of its limits within {@link MAX_SLOT_WAIT_MS} ("skipped" if none),
 * the request with its departure and answer marked; a 429 pauses every sender and the send goes once more
 * if a slot still comes in time.
 */
async function sendOne(
  deps: ProvisionalDeliveryDependencies,
  recipient: { readonly channel: string; readonly subscriberId: number; readonly address: string },
  sender: ChannelSender,
  message: RenderedMessage,
  options: { readonly key: string; readonly urgent: boolean },
): Promise<"sent" | "skipped" | "failed"> {
  const pacing = deps.pacing?.of(recipient.channel);
  const deadline = Date.now() + MAX_SLOT_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    let booking: RateBooking | undefined;
    if (deps.pacing !== undefined && pacing !== undefined) {
      const slot = await takeSlot(deps.pacing.limiter, pacing, recipient.address, options.urgent, deadline);
      if (slot === null) return "skipped";
      booking = slot.booking;
    }
    try {
      // The send leaves now, maybe well after its booking: the stream's event loop is busiest when
      // a whole market's bars close. Telegram counts arrivals, so the windows count it as arriving
      // until answered (as a delivery does). Counted from the booking, the sends after a late one
      // arrived bunched with it: 429s in bench/live, and a 429 pauses every sender.
      await sendInWindow(
        deps.pacing?.limiter ?? {},
        booking,
        () =>
          sender.send({ subscriberId: recipient.subscriberId, address: recipient.address }, message, {
            key: options.key,
          }),
        () => {
          // A mark lost: the send counts from its booking, or holds its place longer.
        },
      );
      return "sent";
    } catch (error) {
      // The provider's limit is per bot: every sender pauses, as for a final alert.
      const limited = error instanceof DeliveryRateLimitedError;
      if (limited && pacing?.pause != null && deps.pacing !== undefined)
        await deps.pacing.limiter.pause(pacing.pause, error.retryAfterMs);
      if (limited && attempt === 1 && deps.pacing !== undefined) continue;
      deps.onSendError(error, { channel: recipient.channel, subscriberId: recipient.subscriberId });
      return "failed";
    }
  }
}

/**
 * Waits for a slot of every limit of this address until `deadline` (epoch ms): its booking (for
 * `departed`), or null if none came by then. `urgent` may spend the limits' burst.
 */
async function takeSlot(
  limiter: DeliveryRateLimiter,
  pacing: ChannelPacing,
  address: string,
  urgent: boolean,
  deadline: number,
): Promise<{ readonly booking?: RateBooking } | null> {
  const limits = pacing.limits(address, urgent);
  if (limits.length === 0 && pacing.pause === null) return {};
  for (;;) {
    const decision = await limiter.tryAcquire(limits, pacing.pause);
    if (decision.allowed) return decision.booking === undefined ? {} : { booking: decision.booking };
    if (Date.now() + decision.waitMs > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
  }
}
