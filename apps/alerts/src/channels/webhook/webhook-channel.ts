import type { ChannelDefinition } from "../channel-definition.ts";
import { UNPACED } from "../channel-pacing.ts";

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ["http:", "https:"].includes(new URL(text).protocol);
}

/** Webhooks: each alert POSTed as JSON to the subscriber's URL, signed with WEBHOOK_SIGNING_SECRET when set. */
export const webhookChannel = {
  name: "webhook",
  subscribeOption: {
    value: "URL",
    example: "https://example.com/vpa-alerts",
    description: "an http(s) URL each alert is POSTed to as JSON (README: Webhooks)",
  },
  parseAddress: (text) => (isHttpUrl(text) ? { address: text } : { expected: "an http(s) URL" }),
  settings: ["WEBHOOK_SIGNING_SECRET"],
  missingSetting: () => null,
  // Each receiver is its own server; a 429 pauses that delivery only (its Retry-After).
  pacing: () => UNPACED,
  async createSender(config) {
    const { createWebhookSender } = await import("./webhook-sender.ts");
    return createWebhookSender({ signingSecret: config.webhookSigningSecret });
  },
} as const satisfies ChannelDefinition<"webhook">;
