import { DEFAULT_BOT_MIN_SCORE, MAX_SYMBOLS_PER_SUBSCRIPTION } from "./parse-bot-command.ts";

/** The bot's help text (Telegram HTML; static, nothing to escape). */
export const BOT_HELP_HTML = [
  "<b>VPA scanner alerts</b> for HOSE, HNX and UPCOM",
  "",
  `/start – alerts for every signal scoring ${DEFAULT_BOT_MIN_SCORE}+`,
  `/subscribe VCB,FPT min=75 types=SPRING,TEST – only these (up to ${MAX_SYMBOLS_PER_SUBSCRIPTION} symbols)`,
  "/unsubscribe – stop all alerts",
  "/list – your subscriptions",
  "/signals [SYMBOL] – the latest signals",
  "/quiet 22:00-07:00 – hold alerts at night (/quiet off)",
  "/help – this text",
  "",
  "Alerts are automated readings of volume and price. Not investment advice.",
].join("\n");

/** The help an admin chat sees: the same, plus the admin commands. */
export const BOT_ADMIN_HELP_HTML = [
  BOT_HELP_HTML,
  "",
  "<b>Admin</b>",
  "/status – subscribers, deliveries in the last 24 h, queues",
].join("\n");

/** What setMyCommands publishes (the menu in Telegram clients). */
export const BOT_COMMAND_MENU = [
  { command: "start", description: "Alerts for strong signals" },
  { command: "subscribe", description: "Choose symbols, minimum score, signal types" },
  { command: "unsubscribe", description: "Stop all alerts" },
  { command: "list", description: "Show your subscriptions" },
  { command: "signals", description: "Latest signals" },
  { command: "quiet", description: "Quiet hours, e.g. 22:00-07:00, or off" },
  { command: "help", description: "How to use this bot" },
] as const;

/** The menu of admin chats (setMyCommands with a chat scope): the public one plus /status. */
export const BOT_ADMIN_COMMAND_MENU = [
  ...BOT_COMMAND_MENU,
  { command: "status", description: "Admin: subscribers, deliveries, queues" },
] as const;
