import { checkBarValues } from "../bar-validation/check-bar-values.ts";
import { toAsciiUpperCase } from "../bar-validation/market-symbol.ts";
import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";
import { asRecord, parseJson, readNumber, readString, readSymbol } from "./message-fields.ts";
import { decodeSsiStreamMessage, isSsiStreamMessage } from "./ssi-bar-message.ts";
import type { StreamEvent } from "./stream-event.ts";
import { formatBarTime, isStreamTimeframe, parseBarTime, TIMEFRAME_MINUTES } from "./stream-timeframe.ts";

/**
 * Decodes one text frame of either wire format (see README.md): the documented JSON format
 * (`type` = `tick` | `bar` | `subscribed` | `error` | `heartbeat`) or SSI's `{DataType, Content}`.
 * `receivedAtMs` dates SSI's time-of-day stamps. Ticks and bars pass the checks every incoming bar
 * passes (bar-validation/check-bar-values.ts: a sane price range, whole volumes, consistent OHLC),
 * after any unit conversion; a message that fails them is dropped like any invalid message (the
 * stream reports it as `invalid-message` with this error, and the worker logs it).
 *
 * @example
 * decodeStreamMessage('{"type":"tick","symbol":"VN30F1M","time":"2024-01-02T09:15:03+07:00","price":1130.5,"volume":12}', Date.now());
 * // { kind: "tick", symbol: "VN30F1M", timeMs: 1704161703000, price: 1130.5, volume: 12 }
 * @throws InvalidStreamMessageError for anything else.
 */
export function decodeStreamMessage(text: string, receivedAtMs: number): StreamEvent {
  return checkPrices(decodeEvent(text, receivedAtMs));
}

function decodeEvent(text: string, receivedAtMs: number): StreamEvent {
  const message = asRecord(parseJson(text, "stream message"), "stream message");
  if (isSsiStreamMessage(message)) return decodeSsiStreamMessage(message, receivedAtMs);
  const type = message.type;
  switch (type) {
    case "tick":
      return {
        kind: "tick",
        symbol: readSymbol(message, "symbol"),
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
        symbol: readSymbol(message, "symbol"),
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
      return { kind: "subscribed", symbols: symbols.map((s) => toAsciiUpperCase(s.trim())) };
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

/** A tick is checked as a bar whose four prices are its price. */
function checkPrices(event: StreamEvent): StreamEvent {
  if (event.kind !== "tick" && event.kind !== "bar") return event;
  const issue =
    event.kind === "bar"
      ? checkBarValues(event)
      : checkBarValues({
          open: event.price,
          high: event.price,
          low: event.price,
          close: event.price,
          volume: event.volume,
        });
  if (issue === null) return event;
  const detail =
    event.kind === "tick" ? issue.detail.replace(/^(open|high|low|close) /, "price ") : issue.detail;
  throw new InvalidStreamMessageError(
    `${event.kind} ${event.symbol} ${formatBarTime(event.timeMs)} dropped: ${issue.problem}: ${detail}`,
  );
}

function readTime(message: Record<string, unknown>): number {
  const text = readString(message, "time");
  try {
    return parseBarTime(text);
  } catch (error) {
    throw new InvalidStreamMessageError(`field time is not an ISO instant: ${text}`, { cause: error });
  }
}
