import { describe, expect, it } from "vitest";
import { CommandThrottle } from "./command-throttle.ts";

function throttleAt(perMinute: number) {
  const clock = { now: 5_000_000 };
  return { clock, throttle: new CommandThrottle(perMinute, () => clock.now) };
}

describe("CommandThrottle", () => {
  it("lets a chat send N commands a minute, warns once, then ignores it until the minute has passed", () => {
    const { throttle, clock } = throttleAt(3);
    const verdicts = Array.from({ length: 7 }, () => throttle.check("1"));
    expect(verdicts).toEqual(["ok", "ok", "ok", "warn", "drop", "drop", "drop"]);
    expect(throttle.check("2")).toBe("ok");
    clock.now += 60_001;
    expect(throttle.check("1")).toBe("ok");
  });

  it("keeps no more than N+1 times per chat, however hard it floods", () => {
    const { throttle } = throttleAt(3);
    for (let i = 0; i < 10_000; i++) throttle.check("1");
    expect(throttle.timesKeptFor("1")).toBe(4);
  });

  it("forgets chats that sent no command in the last minute", () => {
    const { throttle, clock } = throttleAt(5);
    for (const chat of ["1", "2", "3"]) throttle.check(chat);
    clock.now += 30_000;
    throttle.check("2");
    expect(throttle.trackedChats).toBe(3);
    clock.now += 30_001;
    throttle.check("4");
    // 1 and 3 were last heard 60.001 s ago; 2 sent a command 30 s ago.
    expect(throttle.trackedChats).toBe(2);
    clock.now += 60_001;
    throttle.check("4");
    expect(throttle.trackedChats).toBe(1);
  });
});
