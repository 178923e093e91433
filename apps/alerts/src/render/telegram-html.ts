/**
 * Telegram "HTML" parse mode helpers: escaping and a length-safe truncation.
 *
 * Telegram parses `parse_mode: "HTML"` text itself (tdlib's `parse_html`): only a handful of tags
 * are allowed and every `<`, `>` and `&` that is meant literally must be written as an entity.
 * A single unescaped character in a company name turns the whole send into
 * `400 Bad Request: can't parse entities`, so every dynamic value goes through
 * {@link escapeTelegramHtml}.
 */

/**
 * Telegram's limit for a message text, counted after entity parsing (tags removed, entities
 * decoded). Telegram counts UTF-16 code units, like its entity offsets.
 */
export const TELEGRAM_MESSAGE_MAX_LENGTH = 4096;

const TELEGRAM_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
};

/**
 * Escapes a dynamic value for Telegram HTML, in text and inside double-quoted attributes.
 * Uses only the named entities Telegram documents (`&lt; &gt; &amp; &quot;`).
 *
 * @example
 * escapeTelegramHtml("A<b>&C"); // "A&lt;b&gt;&amp;C"
 */
export function escapeTelegramHtml(value: string): string {
  return value.replace(/[&<>"]/g, (character) => TELEGRAM_ESCAPES[character] ?? character);
}

const ELLIPSIS = "…";

/**
 * Cuts Telegram HTML so that its text after entity parsing is at most `maxLength` UTF-16 code
 * units, appending "…" when something was cut. Never splits a tag, an entity (`&amp;`) or a
 * surrogate pair, and closes the tags left open at the cut, so the result still parses.
 *
 * Assumes well-formed input, as produced by this module's callers (tags balanced, every literal
 * `<` and `&` escaped). Input that already fits is returned unchanged.
 *
 * @example
 * truncateTelegramHtml("<b>Tom &amp; Jerry</b>", 7); // "<b>Tom &amp;…</b>"
 */
export function truncateTelegramHtml(html: string, maxLength: number = TELEGRAM_MESSAGE_MAX_LENGTH): string {
  if (visibleLength(html) <= maxLength) return html;
  const budget = maxLength - ELLIPSIS.length;
  const openTags: string[] = [];
  let visible = 0;
  let output = "";
  let index = 0;
  while (index < html.length) {
    const character = html[index]!;
    if (character === "<") {
      const end = html.indexOf(">", index);
      if (end === -1) break; // malformed tail: drop it rather than emit half a tag
      const tag = html.slice(index, end + 1);
      const closing = tag.startsWith("</");
      const name = /^<\/?([a-z][a-z0-9-]*)/i.exec(tag)?.[1]?.toLowerCase();
      if (name !== undefined) {
        if (closing) {
          const openIndex = openTags.lastIndexOf(name);
          if (openIndex !== -1) openTags.splice(openIndex, 1);
        } else if (!tag.endsWith("/>")) {
          openTags.push(name);
        }
      }
      output += tag;
      index = end + 1;
      continue;
    }
    let token: string;
    if (character === "&") {
      const end = html.indexOf(";", index);
      token = end === -1 ? character : html.slice(index, end + 1);
    } else {
      const codePoint = html.codePointAt(index) ?? 0;
      token = String.fromCodePoint(codePoint);
    }
    // An entity stands for one character; a code point above U+FFFF is two UTF-16 units.
    const tokenLength = character === "&" ? 1 : token.length;
    if (visible + tokenLength > budget) break;
    visible += tokenLength;
    output += token;
    index += token.length;
  }
  output = output.replace(/\s+$/u, "") + ELLIPSIS;
  for (let open = openTags.length - 1; open >= 0; open--) output += `</${openTags[open]}>`;
  return output;
}

/** Length of the text Telegram would see after removing tags and decoding entities. */
function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&[^;\s]*;/g, "_").length;
}
