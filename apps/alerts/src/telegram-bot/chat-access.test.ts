import { describe, expect, it } from "vitest";
import { type BotChat, createBotAccess, isAdminChat, mayJoin } from "./chat-access.ts";

const chat = (chatId: string, type: BotChat["type"] = "private"): BotChat => ({ chatId, name: null, type });

describe("chat access", () => {
  it("makes admins of the listed chats only", () => {
    const access = createBotAccess({ adminChatIds: ["42", "-100777"] });
    expect(isAdminChat(access, chat("42"))).toBe(true);
    expect(isAdminChat(access, chat("-100777", "supergroup"))).toBe(true);
    expect(isAdminChat(access, chat("43"))).toBe(false);
    expect(isAdminChat(createBotAccess({}), chat("42"))).toBe(false);
  });

  it("lets any private chat or group join without an allow-list, but no channel", () => {
    const access = createBotAccess({});
    expect(mayJoin(access, chat("1"))).toBe("allowed");
    expect(mayJoin(access, chat("-5", "group"))).toBe("allowed");
    expect(mayJoin(access, chat("-1001", "channel"))).toBe("channel-not-allowed");
  });

  it("with an allow-list, lets in only the listed chats (and the admins), channels included when listed", () => {
    const access = createBotAccess({ adminChatIds: ["9"], allowedChatIds: ["1", "-1001"] });
    expect(mayJoin(access, chat("1"))).toBe("allowed");
    expect(mayJoin(access, chat("9"))).toBe("allowed");
    expect(mayJoin(access, chat("-1001", "channel"))).toBe("allowed");
    expect(mayJoin(access, chat("2"))).toBe("not-on-allow-list");
    expect(mayJoin(access, chat("-1002", "channel"))).toBe("not-on-allow-list");
  });
});
