import { market } from "@vpa/core";
import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";
import { asRecord, parseJson, readNumber, readString, readSymbol } from "./message-fields.ts";
import type { BarUpdateEvent, IgnoredEvent } from "./stream-event.ts";

/**
 * Adapter for SSI FastConnect Data's streaming bar messages (vn-market.md §7):
 *
 * ```json
 * {"DataType":"B","Content":"{\"RType\":\"B\",\"Symbol\":\"SSI\",\"TradingTime\":\"14:28:33\",\"Open\":32500,\"High\":32600,\"Low\":32450,\"Close\":32550,\"Volume\":12300}"}
 * ```
 *
 * - `Content` is a JSON document inside a string (an object is accepted too).
 * - A "B" message is the running state of the current ONE-MINUTE bar; TradingTime is the local time
 *   of day of the update, so the bar opens at its minute (14:28:33 → 14:28:00).
 * - The date is not in the message: it is the receive time's date in Asia/Ho_Chi_Minh.
 * - Prices are VND and become thousand VND (32500 → 32.5); volume is shares.
 * - Other DataTypes (quotes "X", indices "MI", foreign room "R", ...) are ignored.
 *
 * Only the message shape is handled here; SSI's transport (SignalR negotiation and token) needs a
 * bridge that forwards these messages over a plain WebSocket.
 */
export interface SsiStreamMessage {
  readonly DataType: string;
  readonly Content: string | Record<string, unknown>;
}

export function isSsiStreamMessage(value: Record<string, unknown>): boolean {
  return typeof value.DataType === "string" && "Content" in value;
}

/**
 * @example
 * decodeSsiStreamMessage({ DataType: "B", Content: '{"RType":"B","Symbol":"SSI","TradingTime":"14:28:33","Open":32500,"High":32600,"Low":32450,"Close":32550,"Volume":12300}' },
 *   Date.parse("2024-01-02T14:28:34+07:00"));
 * // { kind: "bar", symbol: "SSI", timeMs: <2024-01-02T14:28:00+07:00>, timeframeMinutes: 1, open: 32.5, ..., closed: false }
 */
export function decodeSsiStreamMessage(
  message: Record<string, unknown>,
  receivedAtMs: number,
): BarUpdateEvent | IgnoredEvent {
  const dataType = readString(message, "DataType");
  if (dataType !== "B") return { kind: "ignored", reason: `SSI DataType ${dataType}` };
  const raw = message.Content;
  const content = asRecord(typeof raw === "string" ? parseJson(raw, "SSI Content") : raw, "SSI Content");
  if (content.RType !== undefined && content.RType !== "B")
    return { kind: "ignored", reason: `SSI RType ${String(content.RType)}` };
  const tradingTime = readString(content, "TradingTime");
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(tradingTime);
  if (clock === null) throw new InvalidStreamMessageError(`SSI TradingTime is not HH:MM:SS: ${tradingTime}`);
  const hours = Number(clock[1]);
  const minutes = Number(clock[2]);
  if (hours > 23 || minutes > 59)
    throw new InvalidStreamMessageError(`SSI TradingTime out of range: ${tradingTime}`);
  const localDate = market.toVietnamTime(receivedAtMs).date;
  const midnightMs = Date.parse(`${localDate}T00:00:00+07:00`);
  return {
    kind: "bar",
    symbol: readSymbol(content, "Symbol"),
    timeMs: midnightMs + (hours * 60 + minutes) * 60_000,
    timeframeMinutes: 1,
    open: market.vndToThousandVnd(readNumber(content, "Open")),
    high: market.vndToThousandVnd(readNumber(content, "High")),
    low: market.vndToThousandVnd(readNumber(content, "Low")),
    close: market.vndToThousandVnd(readNumber(content, "Close")),
    volume: readNumber(content, "Volume"),
    closed: false,
  };
}
