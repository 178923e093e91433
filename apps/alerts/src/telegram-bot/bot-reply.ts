import type { MessageImage } from "../render/rendered-message.ts";

/**
 * What the bot answers: Telegram HTML (every dynamic value escaped), and buttons under it.
 *
 * Glossary: an *inline keyboard* is a grid of buttons under a message; a tap sends the bot a
 * *callback query* carrying the button's `callback_data` (at most 64 bytes), which the bot must
 * answer (`answerCallbackQuery`, the toast the user sees) and may follow by editing the message.
 */
export interface InlineButton {
  readonly text: string;
  /** 1–64 bytes: Telegram refuses the whole message otherwise (BUTTON_DATA_INVALID). */
  readonly callbackData: string;
}

/** Rows of buttons, top to bottom. */
export type InlineKeyboard = readonly (readonly InlineButton[])[];

export interface BotReply {
  /** The message; with `photo`, its caption (cut to Telegram's 1,024 characters if longer). */
  readonly html: string;
  readonly keyboard?: InlineKeyboard;
  /** A picture sent with `html` as its caption (sendPhoto): /chart's chart. */
  readonly photo?: MessageImage;
}

/** Telegram's `reply_markup` for an inline keyboard. */
export interface InlineKeyboardMarkup {
  readonly inline_keyboard: { text: string; callback_data: string }[][];
}

export function inlineKeyboardMarkup(keyboard: InlineKeyboard): InlineKeyboardMarkup {
  return {
    inline_keyboard: keyboard.map((row) =>
      row.map((button) => ({ text: button.text, callback_data: button.callbackData })),
    ),
  };
}
