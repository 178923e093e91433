/**
 * What the stream client understands, decoded from any supported wire format (see README.md).
 * Prices in thousand VND, times epoch milliseconds.
 */
export type StreamEvent = TickEvent | BarUpdateEvent | SubscribedEvent | ServerErrorEvent | IgnoredEvent;

/** One trade: `volume` is the quantity of this trade (not a running total). */
export interface TickEvent {
  readonly kind: "tick";
  readonly symbol: string;
  readonly timeMs: number;
  readonly price: number;
  readonly volume: number;
}

/**
 * The state of one bar: a finished bar (`closed`) or the latest snapshot of a forming one. Each
 * update carries the bar's whole state so far, so a later update of the same bar replaces an
 * earlier one (never adds to it).
 */
export interface BarUpdateEvent {
  readonly kind: "bar";
  readonly symbol: string;
  /** The bar's open time. */
  readonly timeMs: number;
  /** Length of this bar; may be shorter than the stream's timeframe (then it is a part of one bar). */
  readonly timeframeMinutes: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly closed: boolean;
}

/** The server confirmed a subscription: from now on it sends these symbols' data. */
export interface SubscribedEvent {
  readonly kind: "subscribed";
  readonly symbols: readonly string[];
}

export interface ServerErrorEvent {
  readonly kind: "error";
  readonly message: string;
}

/** A well-formed message that carries nothing for the stream (other SSI data types, heartbeats). */
export interface IgnoredEvent {
  readonly kind: "ignored";
  readonly reason: string;
}
