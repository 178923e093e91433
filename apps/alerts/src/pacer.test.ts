import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.ts";

function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}

describe("Pacer", () => {
  it("spaces sends to one Telegram chat by the per-chat interval and across chats by the global one", async () => {
    const { clock, sleeps } = fakeClock();
    const pacer = new Pacer({ telegram: { perRecipientMs: 1000, globalMs: 50 } }, clock);
    await pacer.acquire("telegram", "1");
    await pacer.acquire("telegram", "2");
    await pacer.acquire("telegram", "1");
    expect(sleeps).toEqual([50, 950]);
  });

  it("holds a recipient back for as long as the provider asked", async () => {
    const { clock, sleeps } = fakeClock();
    const pacer = new Pacer({ telegram: { perRecipientMs: 0, globalMs: 1 } }, clock);
    pacer.holdOff("telegram", "9", 3000);
    await pacer.acquire("telegram", "9");
    expect(sleeps).toEqual([3000]);
  });

  it("does not pace channels without a rule", async () => {
    const { clock, sleeps } = fakeClock();
    const pacer = new Pacer({}, clock);
    await pacer.acquire("email", "a@b.c");
    await pacer.acquire("email", "a@b.c");
    expect(sleeps).toEqual([]);
  });
});
