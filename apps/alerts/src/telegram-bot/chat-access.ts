/**
 * Who may do what with the bot. Telegram identifies a conversation by its chat id: a user's
 * private chat has the user's (positive) id, groups and channels negative ones. Access is decided
 * per chat, so an admin chat id that is a group makes every member of that group an admin.
 */
export const CHAT_TYPES = ["private", "group", "supergroup", "channel"] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

export interface BotChat {
  readonly chatId: string;
  /** The user's or the chat's display name, kept with the subscriber. */
  readonly name: string | null;
  readonly type: ChatType;
}

export interface BotAccess {
  /** TELEGRAM_ADMIN_CHAT_IDS: may run /status. */
  readonly adminChatIds: ReadonlySet<string>;
  /** TELEGRAM_ALLOWED_CHAT_IDS: may subscribe; empty: any private chat or group. */
  readonly allowedChatIds: ReadonlySet<string>;
}

export function createBotAccess(options: {
  readonly adminChatIds?: readonly string[];
  readonly allowedChatIds?: readonly string[];
}): BotAccess {
  return {
    adminChatIds: new Set(options.adminChatIds ?? []),
    allowedChatIds: new Set(options.allowedChatIds ?? []),
  };
}

export function isAdminChat(access: BotAccess, chat: BotChat): boolean {
  return access.adminChatIds.has(chat.chatId);
}

export type JoinVerdict = "allowed" | "not-on-allow-list" | "channel-not-allowed";

/**
 * May this chat subscribe (/start, /subscribe)? Admins always may. With an allow-list, only the
 * chats on it. Without one, anyone but a channel: a channel rebroadcasts every alert to its
 * whole audience, which the operator never approved (and which may be paying someone else for
 * them), so a channel must be allow-listed explicitly.
 */
export function mayJoin(access: BotAccess, chat: BotChat): JoinVerdict {
  if (access.adminChatIds.has(chat.chatId) || access.allowedChatIds.has(chat.chatId)) return "allowed";
  if (access.allowedChatIds.size > 0) return "not-on-allow-list";
  return chat.type === "channel" ? "channel-not-allowed" : "allowed";
}
