import type { Catalogue, HelpTexts } from "../i18n/catalogue.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import { DEFAULT_BOT_MIN_SCORE, MAX_SYMBOLS_PER_SUBSCRIPTION } from "./parse-bot-command.ts";

/** Each help line: how to type the command (the same in every language), and what it does. */
const HELP_LINES: readonly (readonly [usage: string, describe: (help: HelpTexts) => string])[] = [
  ["/start", (help) => help.start(DEFAULT_BOT_MIN_SCORE)],
  ["/subscribe VCB,FPT min=75", (help) => help.subscribe(MAX_SYMBOLS_PER_SUBSCRIPTION)],
  ["/unsubscribe", (help) => help.unsubscribe],
  ["/list", (help) => help.list],
  ["/signals [SYMBOL]", (help) => help.signals],
  ["/top [N]", (help) => help.top],
  ["/chart VCB", (help) => help.chart],
  ["/portfolio [NAME]", (help) => help.portfolio],
  ["/digest on|off|top N", (help) => help.digest],
  ["/lang vi|en", (help) => help.lang],
  ["/pause [2h|1d] · /resume", (help) => help.pause],
  ["/quiet 22:00-07:00", (help) => help.quiet],
  ["/live on|off", (help) => help.live],
  ["/help", (help) => help.help],
];

const ADMIN_HELP_LINES: readonly (readonly [usage: string, describe: (help: HelpTexts) => string])[] = [
  ["/status", (help) => help.status],
  ["/scan", (help) => help.scan],
];

function helpLines(lines: typeof HELP_LINES, help: HelpTexts): string[] {
  return lines.map(([usage, describe]) => escapeTelegramHtml(`${usage} – ${describe(help)}`));
}

/**
 * The bot's help (Telegram HTML) in the catalogue's language; an admin chat also sees the admin
 * commands.
 */
export function botHelpHtml(text: Catalogue, admin: boolean): string {
  const help = text.help;
  return [
    `<b>${escapeTelegramHtml(help.title)}</b>`,
    "",
    ...helpLines(HELP_LINES, help),
    "",
    escapeTelegramHtml(help.footer),
    ...(admin
      ? ["", `<b>${escapeTelegramHtml(help.adminTitle)}</b>`, ...helpLines(ADMIN_HELP_LINES, help)]
      : []),
  ].join("\n");
}

/** The commands everyone has, in the order of the menu Telegram clients show. */
export const PUBLIC_COMMANDS = [
  "start",
  "subscribe",
  "unsubscribe",
  "list",
  "signals",
  "top",
  "chart",
  "portfolio",
  "digest",
  "lang",
  "pause",
  "resume",
  "quiet",
  "live",
  "help",
] as const;

/** Commands only TELEGRAM_ADMIN_CHAT_IDS may run; everyone else is refused. */
export const ADMIN_COMMANDS = ["status", "scan"] as const;

export interface BotMenuCommand {
  readonly command: string;
  readonly description: string;
}

/** What setMyCommands publishes (the menu in Telegram clients), in the catalogue's language. */
export function botCommandMenu(text: Catalogue, admin: boolean): BotMenuCommand[] {
  const commands = admin ? [...PUBLIC_COMMANDS, ...ADMIN_COMMANDS] : PUBLIC_COMMANDS;
  return commands.map((command) => ({ command, description: text.help.menu[command] }));
}
