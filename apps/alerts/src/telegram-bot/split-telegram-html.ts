import { TELEGRAM_MESSAGE_MAX_LENGTH, truncateTelegramHtml } from "../render/telegram-html.ts";

interface OpenTag {
  readonly name: string;
  /** The start tag as written, attributes included, to reopen it in the next part. */
  readonly source: string;
}

/**
 * Splits a Telegram-HTML reply into messages of at most `maxLength` characters each (counted as
 * Telegram counts: after tags are removed and entities decoded), at line boundaries. A tag open
 * across a cut is closed at the end of one part and reopened at the start of the next, so every
 * part parses. A single line longer than the limit is cut short with "…" (the bot's own lines
 * are bounded far below that; this only keeps a bug from becoming a refused message).
 *
 * Assumes well-formed input, as the bot builds it: balanced tags, every literal `<`, `>` and `&`
 * escaped.
 *
 * @example
 * splitTelegramHtml("<b>a\nb</b>", 1); // ["<b>a</b>", "<b>b</b>"]
 */
export function splitTelegramHtml(html: string, maxLength: number = TELEGRAM_MESSAGE_MAX_LENGTH): string[] {
  if (visibleLength(html) <= maxLength) return [html];
  const parts: string[] = [];
  let open: OpenTag[] = [];
  let lines: string[] = [];
  let length = 0;
  let openAtPartStart: OpenTag[] = [];
  const flush = () => {
    // Blank lines at a cut only separated what the cut now separates.
    while (lines[0]?.trim() === "") lines.shift();
    while (lines.at(-1)?.trim() === "") lines.pop();
    const body = lines.join("\n");
    if (body.replace(/<[^>]*>/g, "").trim() !== "") {
      parts.push(
        openAtPartStart.map((tag) => tag.source).join("") +
          body +
          open
            .map((tag) => `</${tag.name}>`)
            .reverse()
            .join(""),
      );
    }
    lines = [];
    length = 0;
    openAtPartStart = open;
  };
  for (const line of html.split("\n")) {
    const lineLength = visibleLength(line);
    const added = lines.length === 0 ? lineLength : lineLength + 1;
    if (lines.length > 0 && length + added > maxLength) flush();
    if (lines.length === 0 && lineLength > maxLength) {
      // Cut the line alone, inside the tags open around it, then carry on after it.
      const before = open;
      const after = tagsOpenAfter(line, before);
      const wrapped =
        before.map((tag) => tag.source).join("") +
        line +
        after
          .map((tag) => `</${tag.name}>`)
          .reverse()
          .join("");
      parts.push(truncateTelegramHtml(wrapped, maxLength));
      open = after;
      openAtPartStart = after;
      continue;
    }
    lines.push(line);
    length += lines.length === 1 ? lineLength : lineLength + 1;
    open = tagsOpenAfter(line, open);
  }
  flush();
  return parts;
}

/** The tags still open after `line`, given those open before it. */
function tagsOpenAfter(line: string, before: readonly OpenTag[]): OpenTag[] {
  const open = [...before];
  for (const match of line.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>/g)) {
    const name = match[2]!.toLowerCase();
    if (match[1] === "/") {
      const index = open.findLastIndex((tag) => tag.name === name);
      if (index !== -1) open.splice(index, 1);
    } else if (!match[0].endsWith("/>")) {
      open.push({ name, source: match[0] });
    }
  }
  return open;
}

/** Length of the text Telegram would see after removing tags and decoding entities. */
function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&[^;\s]*;/g, "_").length;
}
