import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";
import { asRecord, parseJson, readNumber, readString } from "./message-fields.ts";
import { decodeSsiStreamMessage, isSsiStreamMessage } from "./ssi-bar-message.ts";
import type { StreamEvent } from "./stream-event.ts";
import { isStreamTimeframe, parseBarTime, TIMEFRAME_MINUTES } from "./stream-timeframe.ts";

/**
 * Decodes one text frame of either wire format (see README.md): the documented JSON format
 * (`type` = `tick` | `bar` | `subscribed` | `error` | `heartbeat`) or SSI's `{DataType, Content}`.
 * `receivedAtMs` dates SSI's time-of-day stamps.
 *
 * @example
 * decodeStreamMessage('{"type":"tick","symbol":"VN30F1M","time":"2024-01-02T09:15:03+07:00","price":1130.5,"volume":12}', Date.now());
 * // { kind: "tick", symbol: "VN30F1M", timeMs: 1704161703000, price: 1130.5, volume: 12 }
 * @throws InvalidStreamMessageError for anything else.
 */
export function decodeStreamMessage(text: string, receivedAtMs: number): StreamEvent {
  const message = asRecord(parseJson(text, "stream message"), "stream message");
  if (isSsiStreamMessage(message)) return decodeSsiStreamMessage(message, receivedAtMs);
  const type = message.type;
  switch (type) {
    case "tick":
      return {
        kind: "tick",
        symbol: readString(message, "symbol").toUpperCase(),
        timeMs: readTime(message),
        price: readNumber(message, "price", Number.MIN_VALUE),
        volume: readNumber(message, "volume"),
      };
    case "bar": {
      const timeframe = readString(message, "timeframe");
      if (!isStreamTimeframe(timeframe))
        throw new InvalidStreamMessageError(`unsupported bar timeframe ${JSON.stringify(timeframe)}`);
      const closed = message.closed ?? true;
      if (typeof closed !== "boolean") throw new InvalidStreamMessageError("field closed must be a boolean");
      return {
        kind: "bar",
        symbol: readString(message, "symbol").toUpperCase(),
        timeMs: readTime(message),
        timeframeMinutes: TIMEFRAME_MINUTES[timeframe],
        open: readNumber(message, "open"),
        high: readNumber(message, "high"),
        low: readNumber(message, "low"),
        close: readNumber(message, "close"),
        volume: readNumber(message, "volume"),
        closed,
      };
    }
    case "subscribed": {
      const symbols = message.symbols;
      if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string"))
        throw new InvalidStreamMessageError("field symbols must be an array of strings");
      return { kind: "subscribed", symbols: symbols.map((s) => s.toUpperCase()) };
    }
    case "error":
      return {
        kind: "error",
        message: typeof message.message === "string" ? message.message : "(no message)",
      };
    case "heartbeat":
      return { kind: "ignored", reason: "heartbeat" };
    default:
      throw new InvalidStreamMessageError(`unknown message type ${JSON.stringify(type)}`);
  }
}

function readTime(message: Record<string, unknown>): number {
  const text = readString(message, "time");
  try {
    return parseBarTime(text);
  } catch (error) {
    throw new InvalidStreamMessageError(`field time is not an ISO instant: ${text}`, { cause: error });
  }
}
