export { CHANNELS, type Channel, type ChannelSender, type Recipient, type SentReceipt } from "./channel.ts";
export type { ChannelDefinition, SenderContext } from "./channel-definition.ts";
export { type ChannelPacing, type PacingOptions, UNPACED } from "./channel-pacing.ts";
export {
  CHANNEL_REGISTRY,
  type ChannelList,
  channelPacing,
  findChannel,
  isChannel,
  recipientOptions,
  recipientSynopsis,
} from "./channel-registry.ts";
export { createConsoleSender } from "./console/console-sender.ts";
export { DeliveryFailedError } from "./delivery-failed-error.ts";
export { DeliveryOutcomeUnknownError } from "./delivery-outcome-unknown-error.ts";
export { DeliveryRateLimitedError } from "./delivery-rate-limited-error.ts";
export { SMTP_THROTTLE_RETRY_AFTER_MS } from "./email/email-delivery-error.ts";
export {
  createEmailSender,
  DEFAULT_EMAIL_MAX_CONNECTIONS,
  type EmailSenderOptions,
} from "./email/email-sender.ts";
export { parseRecipientOption, type RecipientChoice } from "./recipient-option.ts";
export { RecipientUnreachableError } from "./recipient-unreachable-error.ts";
export { TELEGRAM_DEFAULT_RETRY_AFTER_MS } from "./telegram/telegram-delivery-error.ts";
export {
  TELEGRAM_BOT_INTERVAL_MS,
  TELEGRAM_BOT_LIMIT_KEY,
  TELEGRAM_GROUP_CHAT_INTERVAL_MS,
  TELEGRAM_PRIVATE_CHAT_INTERVAL_MS,
  telegramChatLimit,
} from "./telegram/telegram-pacing.ts";
export {
  createTelegramSender,
  DEFAULT_TELEGRAM_API_ROOT,
  DEFAULT_TELEGRAM_REQUEST_TIMEOUT_MS,
  type TelegramSenderOptions,
} from "./telegram/telegram-sender.ts";
export {
  createWebhookSender,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type WebhookSenderOptions,
} from "./webhook/webhook-sender.ts";
