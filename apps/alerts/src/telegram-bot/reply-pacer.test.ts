import { describe, expect, it } from "vitest";
import { ReplyPacer, TELEGRAM_REPLY_LIMITS } from "./reply-pacer.ts";

function pacerAt(start = 1_000_000) {
  const clock = { now: start };
  const pacer = new ReplyPacer(TELEGRAM_REPLY_LIMITS, () => clock.now);
  return { clock, pacer };
}

describe("ReplyPacer", () => {
  it("spaces messages to one private chat more than a second apart (Telegram: ~1/s per chat)", () => {
    const { pacer } = pacerAt();
    const delays = Array.from({ length: 5 }, () => pacer.book("1001"));
    expect(delays).toEqual([0, 1_100, 2_200, 3_300, 4_400]);
  });

  it("lets a group have at most 20 messages a minute, then waits for the window", () => {
    const { pacer } = pacerAt();
    const delays = Array.from({ length: 22 }, () => pacer.book("-1001234"));
    // 1.1 s apart for the first 20, then the 21st waits until a minute (plus margin) after the 1st.
    expect(delays[19]).toBe(19 * 1_100);
    expect(delays[20]).toBe(61_000);
    expect(delays[21]).toBe(61_000 + 1_100);
  });

  it("keeps all chats together under 30 messages a second", () => {
    const { pacer } = pacerAt();
    const delays = Array.from({ length: 61 }, (_, i) => pacer.book(String(5000 + i)));
    expect(delays[0]).toBe(0);
    expect(delays[1]).toBe(35);
    // 61 messages to 61 chats take at least 2 s.
    expect(delays[60]).toBeGreaterThanOrEqual(2_000);
  });

  it("holds a chat off after a 429 for retry_after, other chats unaffected", () => {
    const { pacer, clock } = pacerAt();
    expect(pacer.book("7")).toBe(0);
    pacer.holdOff("7", 5_000);
    clock.now += 2_000;
    expect(pacer.book("7")).toBe(3_000);
    expect(pacer.book("8")).toBe(0);
  });

  it("forgets a chat once its bookkeeping constrains nothing: a private chat after its interval, a group after its window", () => {
    const { pacer, clock } = pacerAt();
    for (const chat of ["1", "2", "-3"]) pacer.book(chat);
    expect(pacer.trackedChats).toBe(3);
    clock.now += 30_000;
    pacer.book("4");
    // 1 and 2 were free again 1.1 s after their message; the group counts its messages for 61 s.
    expect(pacer.trackedChats).toBe(2);
    clock.now += 32_000;
    pacer.book("5");
    expect(pacer.trackedChats).toBe(1);
  });
});
