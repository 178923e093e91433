import type { ChannelDefinition } from "../channel-definition.ts";

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Email: alerts through the SMTP server of SMTP_URL, from EMAIL_FROM, at most EMAIL_MAX_PER_SECOND. */
export const emailChannel = {
  name: "email",
  subscribeOption: { value: "ADDR", example: "trader@example.com", description: "an email address" },
  parseAddress: (text) =>
    EMAIL.test(text) ? { address: text } : { expected: "an address like trader@example.com" },
  settings: ["SMTP_URL", "EMAIL_FROM", "EMAIL_MAX_PER_SECOND"],
  missingSetting: (config) => (config.smtpUrl === null ? "SMTP_URL" : null),
  // One limit for the whole SMTP server, shared by every alerts worker; a 421/450 pauses them all.
  pacing: (options) => ({
    limits: () =>
      options.emailPerSecond > 0 ? [{ key: "email:server", intervalMs: 1_000 / options.emailPerSecond }] : [],
    pause: "email",
  }),
  async createSender(config) {
    const { createEmailSender } = await import("./email-sender.ts");
    return createEmailSender({ smtpUrl: config.smtpUrl ?? "", from: config.alerts.emailFrom });
  },
} as const satisfies ChannelDefinition<"email">;
