export { CHANNELS, type Channel, type ChannelSender, type Recipient, type SentReceipt } from "./channel.ts";
export { createConsoleSender } from "./console-sender.ts";
export { DeliveryFailedError } from "./delivery-failed-error.ts";
export { DeliveryOutcomeUnknownError } from "./delivery-outcome-unknown-error.ts";
export { DeliveryRateLimitedError } from "./delivery-rate-limited-error.ts";
export { SMTP_THROTTLE_RETRY_AFTER_MS } from "./email-delivery-error.ts";
export { createEmailSender, DEFAULT_EMAIL_MAX_CONNECTIONS, type EmailSenderOptions } from "./email-sender.ts";
export { RecipientUnreachableError } from "./recipient-unreachable-error.ts";
export { TELEGRAM_DEFAULT_RETRY_AFTER_MS } from "./telegram-delivery-error.ts";
export {
  createTelegramSender,
  DEFAULT_TELEGRAM_API_ROOT,
  DEFAULT_TELEGRAM_REQUEST_TIMEOUT_MS,
  type TelegramSenderOptions,
} from "./telegram-sender.ts";
export {
  createWebhookSender,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type WebhookSenderOptions,
} from "./webhook-sender.ts";
