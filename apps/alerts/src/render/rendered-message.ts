/**
 * A message ready for every channel: one alert, or one digest. Senders take this and nothing else,
 * so a new kind of message needs no change to any channel.
 */
export interface RenderedMessage {
  /** Email subject and one-line summary. */
  readonly subject: string;
  /** Plain text (email text part, console). */
  readonly text: string;
  /** For `sendMessage` with `parse_mode: "HTML"`; at most 4096 characters after entity parsing. */
  readonly telegramHtml: string;
  /** A complete, self-contained HTML document for the email HTML part. */
  readonly emailHtml: string;
  /** The facts for machine-readable channels (webhooks): `{"event": name, ...data}`. */
  readonly event: {
    readonly name: "vpa.alert" | "vpa.digest";
    readonly data: Readonly<Record<string, unknown>>;
  };
}
