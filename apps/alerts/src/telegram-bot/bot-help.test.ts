import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import { CATALOGUES } from "../i18n/catalogues.ts";
import { LANGUAGES } from "../i18n/language.ts";
import { ADMIN_COMMANDS, botCommandMenu, botHelpHtml, PUBLIC_COMMANDS } from "./bot-help.ts";

describe("the bot's help and menu", () => {
  it("lists every public command in both languages, and the admin ones to admins only", () => {
    for (const language of LANGUAGES) {
      const text = CATALOGUES[language];
      const help = parseTelegramHtml(botHelpHtml(text, false));
      const adminHelp = parseTelegramHtml(botHelpHtml(text, true));
      if (!help.ok || !adminHelp.ok) throw new Error("Telegram would refuse the help");
      for (const command of PUBLIC_COMMANDS)
        expect(help.text, `${language} /${command}`).toContain(`/${command}`);
      for (const command of ADMIN_COMMANDS) {
        expect(help.text).not.toContain(`/${command}`);
        expect(adminHelp.text).toContain(`/${command} – ${text.help[command]}`);
      }
      expect(help.text).toContain(`/start – ${text.help.start(70)}`);
    }
    expect(parseTelegramHtml(botHelpHtml(CATALOGUES.vi, false))).toMatchObject({
      ok: true,
      text: expect.stringContaining(
        "/top [N] – tín hiệu mạnh nhất của lần quét gần nhất / the strongest signals of the last scan",
      ),
    });
  });

  it("publishes the menu in the catalogue's language, admin commands in the admin menu", () => {
    expect(botCommandMenu(CATALOGUES.en, false).map((c) => c.command)).toEqual([...PUBLIC_COMMANDS]);
    expect(botCommandMenu(CATALOGUES.en, true).map((c) => c.command)).toEqual([
      ...PUBLIC_COMMANDS,
      ...ADMIN_COMMANDS,
    ]);
    expect(botCommandMenu(CATALOGUES.vi, false)[0]).toEqual({
      command: "start",
      description: "Nhận cảnh báo tín hiệu mạnh / Alerts for strong signals",
    });
  });
});
