/**
 * Webhook channel: POSTs each alert as JSON to the subscriber's URL (their own bot, a Discord or
 * Slack bridge, a trading system), as TradingView alerts do.
 *
 * Body: `{"event":"vpa.alert","sentAt":"<ISO>","alert":{symbol, signalType, bias, score, confidence, priority,
 * variant, close, volumeRatio, time, exchange, name, priceChange}, "subject", "text"}`; headers
 * `Content-Type: application/json` and `Idempotency-Key: <delivery key>`, stable across retries, so a
 * receiver can drop a repeat after a time-out whose request did arrive.
 *
 * Outcomes: 2xx delivered; 429 (or 503 with Retry-After) rate limited; 404/410 the endpoint is gone
 * (the subscriber is deactivated); other 4xx permanent; 5xx, time-outs and network errors transient
 * (retried with backoff). Time-out 3 s, as TradingView's.
 */
import { createHmac } from "node:crypto";
import type { RenderedMessage } from "../../render/rendered-message.ts";
import type { ChannelSender, Recipient, SentReceipt } from "../channel.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 3_000;
const DEFAULT_RETRY_AFTER_MS = 30_000;

export interface WebhookSenderOptions {
  /** Default 3,000 ms. */
  readonly timeoutMs?: number;
  /**
   * When set, each request carries `X-VPA-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
   * and `X-VPA-Timestamp` (inside the signed body too), so a receiver can check who sent it.
   */
  readonly signingSecret?: string | null;
  /** Sent as User-Agent. */
  readonly userAgent?: string;
}

function retryAfterMs(header: string | null): number {
  if (header === null) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - Date.now());
}

/** The URL without credentials or query (which may hold a secret token), for error messages. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export function createWebhookSender(options: WebhookSenderOptions = {}): ChannelSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return {
    channel: "webhook",
    async send(
      recipient: Recipient,
      message: RenderedMessage,
      delivery?: { key: string },
    ): Promise<SentReceipt> {
      if (!URL.canParse(recipient.address) || !/^https?:$/.test(new URL(recipient.address).protocol)) {
        throw new RecipientUnreachableError(
          `webhook of subscriber ${recipient.subscriberId} is not an http(s) URL`,
          {
            channel: "webhook",
          },
        );
      }
      const where = describeUrl(recipient.address);
      const sentAt = new Date().toISOString();
      const body = JSON.stringify({
        event: message.event.name,
        sentAt,
        ...message.event.data,
        subject: message.subject,
        text: message.text,
      });
      const signature =
        options.signingSecret == null
          ? {}
          : {
              "x-vpa-timestamp": sentAt,
              "x-vpa-signature": `sha256=${createHmac("sha256", options.signingSecret).update(body).digest("hex")}`,
            };
      let response: Response;
      try {
        response = await fetch(recipient.address, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": options.userAgent ?? "vpa-scanner-webhook/1",
            ...(delivery === undefined ? {} : { "idempotency-key": delivery.key }),
            ...signature,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: "error",
        });
        await response.body?.cancel();
      } catch (error) {
        const timedOut = (error as Error).name === "TimeoutError";
        throw new DeliveryFailedError(
          `webhook ${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : (error as Error).message}`,
          {
            channel: "webhook",
            permanent: false,
          },
        );
      }
      const status = response.status;
      if (status >= 200 && status < 300) return { providerMessageId: response.headers.get("x-request-id") };
      if (status === 429 || (status === 503 && response.headers.has("retry-after"))) {
        throw new DeliveryRateLimitedError(`webhook ${where}: ${status}`, {
          channel: "webhook",
          retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
        });
      }
      if (status === 404 || status === 410) {
        throw new RecipientUnreachableError(`webhook ${where}: ${status} (endpoint gone)`, {
          channel: "webhook",
          providerStatus: status,
        });
      }
      throw new DeliveryFailedError(`webhook ${where}: HTTP ${status}`, {
        channel: "webhook",
        permanent: status < 500,
        providerStatus: status,
      });
    },
    async close(): Promise<void> {},
  };
}
