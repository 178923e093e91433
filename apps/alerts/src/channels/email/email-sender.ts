/**
 * Email channel: one message per alert, plain text + HTML alternatives, over a pooled SMTP
 * transport (nodemailer). One transport per process: `createEmailSender` is called once at start
 * and `close()` once on shutdown.
 *
 * Choices (defaults in brackets):
 * - Pool of `maxConnections` [5] SMTP connections, each reused for up to 100 messages.
 * - `rateLimitPerSecond` [unlimited]: nodemailer's pool-wide limit (messages per 1 s window);
 *   set it to stay under the provider's sending quota.
 * - nodemailer's own retry is cut to connection hygiene (`maxRequeues: 1`, default 5): when a
 *   pooled connection turns out to be dead (the server dropped it while idle, often with a 421),
 *   the message goes out once more on a fresh connection. Every other failure, including a 421
 *   or 45x on a fresh connection, is thrown at once: as for Telegram, the worker owns retries.
 * - Timeouts: connect 10 s, greeting 10 s, socket idle 30 s (nodemailer's are 2 min / 30 s / 10 min,
 *   which would hold a job slot far longer than a retry costs).
 * - `Auto-Submitted: auto-generated` (RFC 3834) so vacation responders do not answer alerts.
 * - A message's image (an alert's chart) goes inline: a `cid:` attachment (multipart/related) shown
 *   by an `<img>` under the message's facts, with its `alt` text. Inline, not a link to a server:
 *   mail clients block remote images by default, and the chart stays readable offline.
 * - The SMTP URL carries the password; errors are rebuilt with it (and the URL) redacted, and
 *   nodemailer's logger stays off.
 */
import { createTransport } from "nodemailer";
import { escapeEmailHtml } from "../../render/email-html.ts";
import type { MessageImage, RenderedMessage } from "../../render/rendered-message.ts";
import type { ChannelSender, Recipient, SentReceipt } from "../channel.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { secretVariants } from "../redact-secrets.ts";
import { toEmailDeliveryError } from "./email-delivery-error.ts";

export const DEFAULT_EMAIL_MAX_CONNECTIONS = 5;
const MAX_MESSAGES_PER_CONNECTION = 100;
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

// One plain address, nothing nodemailer could read as a list or a display name ("a@b, c@d").
const SINGLE_ADDRESS = /^[^\s@,;:<>()[\]\\"]+@[^\s@,;:<>()[\]\\"]+$/;

export interface EmailSenderOptions {
  /**
   * `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`;
   * user and password percent-encoded. The password never appears in errors.
   */
  readonly smtpUrl: string;
  /** `From:` header, e.g. `VPA Alerts <alerts@example.com>`. */
  readonly from: string;
  /** Pooled SMTP connections. Default 5. */
  readonly maxConnections?: number;
  /** Messages per second across the pool. Default: no limit. */
  readonly rateLimitPerSecond?: number;
}

/**
 * Creates the email sender. `recipient.address` is one email address.
 *
 * @example
 * const email = createEmailSender({ smtpUrl: config.smtpUrl, from: "VPA Alerts <alerts@example.com>", rateLimitPerSecond: 10 });
 * await email.send({ subscriberId: 7, address: "trader@example.com" }, renderAlert(content));
 * await email.close();
 */
export function createEmailSender(options: EmailSenderOptions): ChannelSender {
  const secrets = secretVariants([options.smtpUrl, ...smtpPasswordOf(options.smtpUrl)]);
  const poolOptions = {
    url: options.smtpUrl,
    pool: true as const,
    maxConnections: options.maxConnections ?? DEFAULT_EMAIL_MAX_CONNECTIONS,
    maxMessages: MAX_MESSAGES_PER_CONNECTION,
    rateDelta: 1000,
    ...(options.rateLimitPerSecond === undefined ? {} : { rateLimit: options.rateLimitPerSecond }),
    maxRequeues: 1,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transporter = createTransport(poolOptions);
  let closed = false;

  return {
    channel: "email",
    async send(recipient: Recipient, message: RenderedMessage): Promise<SentReceipt> {
      if (closed) {
        throw new DeliveryFailedError("Email sender is closed", { channel: "email", permanent: false });
      }
      const address = recipient.address.trim();
      if (!SINGLE_ADDRESS.test(address)) {
        throw new RecipientUnreachableError(
          `Email address ${JSON.stringify(address.slice(0, 254))} of subscriber ${recipient.subscriberId} is not a single valid address`,
          { channel: "email" },
        );
      }
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: address,
          subject: message.subject,
          text: message.text,
          html:
            message.image === undefined
              ? message.emailHtml
              : withInlineImage(message.emailHtml, message.image),
          ...(message.image === undefined ? {} : { attachments: [inlineAttachment(message.image)] }),
          headers: { "Auto-Submitted": "auto-generated" },
        });
        const messageId: unknown = info.messageId;
        return { providerMessageId: typeof messageId === "string" && messageId !== "" ? messageId : null };
      } catch (error) {
        throw toEmailDeliveryError(error, address, secrets);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      transporter.close();
    },
  };
}

/** The Content-ID of a message's image: one image a message, so one fixed id. */
export const EMAIL_IMAGE_CID = "chart@vpa-alerts";

function inlineAttachment(image: MessageImage) {
  return {
    filename: "chart.png",
    content: Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength),
    contentType: "image/png",
    cid: EMAIL_IMAGE_CID,
    contentDisposition: "inline" as const,
  };
}

/**
 * The email HTML with the image placed after its last table (an alert's facts), or before
 * `</body>` when it has none. At most 800 px wide, scaled down on narrow screens.
 */
export function withInlineImage(html: string, image: MessageImage): string {
  const tag =
    `<p style="margin:16px 0 0"><img src="cid:${EMAIL_IMAGE_CID}" alt="${escapeEmailHtml(image.alt)}" ` +
    `width="800" style="display:block;width:100%;max-width:800px;height:auto;border:0"></p>`;
  const afterTable = html.lastIndexOf("</table>");
  if (afterTable !== -1) {
    const at = afterTable + "</table>".length;
    return `${html.slice(0, at)}\n${tag}${html.slice(at)}`;
  }
  const bodyEnd = html.lastIndexOf("</body>");
  return bodyEnd === -1 ? `${html}${tag}` : `${html.slice(0, bodyEnd)}${tag}\n${html.slice(bodyEnd)}`;
}

/** The password (and its decoded form) inside an SMTP URL, to redact; none when the URL has none. */
function smtpPasswordOf(smtpUrl: string): string[] {
  try {
    const password = new URL(smtpUrl).password;
    if (password === "") return [];
    return [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
