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
    /** `vpa.provisional`: a provisional alert of a forming bar or its follow-up (live/). */
    readonly name: "vpa.alert" | "vpa.digest" | "vpa.provisional";
    readonly data: Readonly<Record<string, unknown>>;
  };
  /**
   * A picture that goes with the message (an alert's chart, chart/alert-charts.ts), or none.
   * Telegram sends it as a photo with the message as its caption when the caption fits (1,024
   * characters), email inline (`cid:`) under the message; webhooks and the console leave it out.
   * A message is complete without it: a channel that cannot show it sends the text alone.
   */
  readonly image?: MessageImage;
}

/** A PNG that goes with a message. */
export interface MessageImage {
  /** PNG bytes, small (tens of kB): the chart is 800 × 450. */
  readonly png: Uint8Array;
  /** What the picture shows, in words (email `alt`, for readers who do not load images). */
  readonly alt: string;
}
