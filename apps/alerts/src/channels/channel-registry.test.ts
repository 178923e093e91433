import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { sampleAlertContent } from "../../test/support/sample-alert-content.ts";
import { closeSenders, createSenders } from "../create-senders.ts";
import { renderAlert } from "../render/render-alert.ts";
import type { ChannelSender } from "./channel.ts";
import type { ChannelDefinition } from "./channel-definition.ts";
import {
  CHANNEL_REGISTRY,
  type ChannelList,
  channelPacing,
  isChannel,
  recipientOptions,
  recipientSynopsis,
} from "./channel-registry.ts";
import { parseRecipientOption } from "./recipient-option.ts";

/** Every setting every channel reads, so that each can make its sender. */
const fullConfig = loadConfig({
  DATABASE_URL: "postgres://localhost/test",
  REDIS_URL: "redis://localhost:6379",
  TELEGRAM_BOT_TOKEN: "123456:ABCdefGhIJKlmnoPQRstuVWxyz",
  SMTP_URL: "smtp://user:pass@localhost:2525",
  EMAIL_FROM: "VPA Alerts <alerts@example.com>",
  WEBHOOK_SIGNING_SECRET: "a-signing-secret",
});
/** Only what every deployment has: console and webhooks can deliver, Telegram and email cannot. */
const bareConfig = loadConfig({
  DATABASE_URL: "postgres://localhost/test",
  REDIS_URL: "redis://localhost:6379",
});

describe("every registered channel keeps the contract", () => {
  it("names are unique and each has its own folder channels/<name>/<name>-channel.ts", () => {
    const names = CHANNEL_REGISTRY.map((channel) => channel.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(existsSync(join(import.meta.dirname, name, `${name}-channel.ts`)), name).toBe(true);
    }
  });

  for (const channel of CHANNEL_REGISTRY as ChannelList) {
    describe(channel.name, () => {
      it("accepts its example address and says what it takes otherwise", () => {
        expect(channel.parseAddress(channel.subscribeOption.example)).toEqual({
          address: channel.subscribeOption.example,
        });
        const rejected = channel.parseAddress("");
        expect(rejected).toHaveProperty("expected");
        expect((rejected as { expected: string }).expected).not.toBe("");
      });

      it("makes a sender that says it delivers on this channel, when its settings are present", async () => {
        expect(channel.missingSetting(fullConfig)).toBeNull();
        const sender = await channel.createSender(fullConfig, { writeConsole: () => {} });
        try {
          expect(sender.channel).toBe(channel.name);
        } finally {
          await sender.close();
        }
      });

      it("names a setting it lacks only among the settings it declares", () => {
        const missing = channel.missingSetting(bareConfig);
        if (missing !== null) expect(channel.settings).toContain(missing);
      });

      it("declares its limits as the shared limiter books them", () => {
        const pacing = channel.pacing({ emailPerSecond: 5 });
        for (const limit of pacing.limits(channel.subscribeOption.example)) {
          expect(limit.key).toMatch(/^[a-z]+:/);
          expect(limit.intervalMs).toBeGreaterThan(0);
        }
      });
    });
  }

  it("a deployment without TELEGRAM_BOT_TOKEN or SMTP_URL delivers on console and webhooks only", async () => {
    const senders = await createSenders(bareConfig, { writeConsole: () => {} });
    try {
      expect([...senders.keys()].sort()).toEqual(["console", "webhook"]);
    } finally {
      await closeSenders(senders);
    }
  });

  it("the providers' limits: Telegram per bot and per chat (wider for groups), email per server", () => {
    // The bot-wide limit may carry more than its spacing (a tolerance, a window): its key and pace.
    // Each counts sends as Telegram counts arrivals: 30 in any second per bot, one per chat, 20 a
    // minute per group (1 ms wider for the clocks' rounding).
    expect(channelPacing("telegram", { emailPerSecond: 5 }).limits("123")).toEqual([
      expect.objectContaining({
        key: "telegram:bot",
        intervalMs: 1_000 / 30,
        window: { count: 30, ms: 1_001 },
      }),
      { key: "telegram:chat:123", intervalMs: 1_000, window: { count: 1, ms: 1_001 } },
    ]);
    expect(channelPacing("telegram", { emailPerSecond: 5 }).limits("-100123")[1]).toEqual({
      key: "telegram:chat:-100123",
      intervalMs: 3_000,
      window: { count: 20, ms: 60_001 },
    });
    expect(channelPacing("email", { emailPerSecond: 5 }).limits("a@b.c")).toEqual([
      { key: "email:server", intervalMs: 200 },
    ]);
    expect(channelPacing("email", { emailPerSecond: 0 }).limits("a@b.c")).toEqual([]);
    expect(channelPacing("webhook", { emailPerSecond: 5 }).limits("https://x.test/")).toEqual([]);
  });
});

/**
 * A channel added the way a real one is: a definition (what `channels/pager/pager-channel.ts`
 * would export) and one more entry in the list. Nothing else changes, and every place that reads
 * the registry knows it.
 */
describe("a new channel is one folder and one registry line", () => {
  const paged: string[] = [];
  const pagerChannel: ChannelDefinition<"pager"> = {
    name: "pager",
    subscribeOption: { value: "NUMBER", description: "a pager number", example: "5550100" },
    parseAddress: (text) =>
      /^\d{7}$/.test(text) ? { address: text } : { expected: "a 7-digit pager number" },
    settings: ["PAGER_GATEWAY_URL"],
    missingSetting: () => null,
    pacing: () => ({ limits: () => [{ key: "pager:gateway", intervalMs: 500 }], pause: "pager" }),
    async createSender(): Promise<ChannelSender> {
      return {
        channel: "pager",
        async send(recipient, message) {
          paged.push(`${recipient.address}: ${message.subject}`);
          return { providerMessageId: `page-${paged.length}` };
        },
        async close() {},
      };
    },
  };
  const withPager = [...CHANNEL_REGISTRY, pagerChannel] as const;

  it("vpa subscribe gets --pager, with its help line and its address check", () => {
    expect(recipientOptions(withPager).pager).toEqual({
      type: "string",
      value: "NUMBER",
      description: "a pager number",
    });
    expect(recipientSynopsis(withPager)).toBe(
      "--telegram ID | --email ADDR | --webhook URL | --console NAME | --pager NUMBER",
    );
    expect(parseRecipientOption({ pager: " 5550100 " }, withPager)).toEqual({
      channel: "pager",
      address: "5550100",
    });
    expect(parseRecipientOption({ pager: "12" }, withPager)).toEqual({
      problem: '--pager takes a 7-digit pager number (got "12")',
    });
    expect(parseRecipientOption({}, withPager)).toEqual({
      problem: "give exactly one of --telegram, --email, --webhook, --console or --pager",
    });
  });

  it("the worker makes its sender and the delivery reaches it, paced by its own rule", async () => {
    expect(isChannel("pager", withPager)).toBe(true);
    expect(isChannel("pager")).toBe(false);
    expect(channelPacing("pager", { emailPerSecond: 0 }, withPager).limits("5550100")).toEqual([
      { key: "pager:gateway", intervalMs: 500 },
    ]);
    const senders = await createSenders(bareConfig, { writeConsole: () => {} }, withPager);
    try {
      const pager = senders.get("pager");
      const receipt = await pager?.send(
        { subscriberId: 1, address: "5550100" },
        renderAlert(sampleAlertContent()),
      );
      expect(receipt).toEqual({ providerMessageId: "page-1" });
      expect(paged).toHaveLength(1);
      expect(paged[0]).toMatch(/^5550100: /);
    } finally {
      await closeSenders(senders);
    }
  });
});

describe("vpa subscribe's recipient check (the registry's channels)", () => {
  it.each([
    [{ telegram: "12x" }, '--telegram takes a numeric chat id (got "12x")'],
    [{ email: "trader" }, '--email takes an address like trader@example.com (got "trader")'],
    [{ webhook: "ftp://x" }, '--webhook takes an http(s) URL (got "ftp://x")'],
    [{ console: "  " }, '--console takes a name (got "")'],
    [{ telegram: "1", email: "a@b.c" }, "give exactly one of --telegram, --email, --webhook or --console"],
  ])("%j: %s", (values, problem) => {
    expect(parseRecipientOption(values)).toEqual({ problem });
  });
});
