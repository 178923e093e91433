/**
 * Escaping for the HTML part of alert emails.
 *
 * Mail clients parse full HTML, so besides `& < >` both quote characters are escaped: a value
 * can then go into text or into any attribute, whichever quote the attribute uses.
 */

const EMAIL_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes a dynamic value for an HTML email body.
 *
 * @example
 * escapeEmailHtml(`Tom & "Jerry" <tj>`); // "Tom &amp; &quot;Jerry&quot; &lt;tj&gt;"
 */
export function escapeEmailHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => EMAIL_ESCAPES[character] ?? character);
}
