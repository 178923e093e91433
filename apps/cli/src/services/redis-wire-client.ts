import type net from "node:net";
import type { ProbeResult } from "./probe-result.ts";
import type { RedisEndpoint } from "./service-url.ts";
import { connectTcp, describeError, isNothingListeningError } from "./tcp-connect.ts";

/**
 * Just enough of the Redis protocol (RESP2) to probe a server and shut it down, with a deadline on
 * every step. A full client (ioredis) retries and queues by design, which hides what we need to
 * know here: is it Redis at all, and does it answer now.
 */

export type RedisReply = string | number | null | RedisReplyError | RedisReply[];

export class RedisReplyError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** The peer sent bytes that are not RESP: it is not a Redis server. */
export class NotRedisError extends Error {
  override name = "NotRedisError";
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(""));
}

/** Parses one reply at `offset`; `undefined` when the buffer does not hold a whole reply yet. */
function parseReply(buffer: Buffer, offset: number): { reply: RedisReply; next: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const lineEnd = buffer.indexOf("\r\n", offset);
  const type = String.fromCharCode(buffer[offset] ?? 0);
  if (!"+-:$*".includes(type)) throw new NotRedisError(`unexpected reply byte ${JSON.stringify(type)}`);
  if (lineEnd === -1) return undefined;
  const line = buffer.toString("utf8", offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: line, next: afterLine };
    case "-":
      return { reply: new RedisReplyError(line), next: afterLine };
    case ":":
      return { reply: Number(line), next: afterLine };
    case "$": {
      const length = Number(line);
      if (length === -1) return { reply: null, next: afterLine };
      if (!Number.isInteger(length) || length < 0) throw new NotRedisError(`bad bulk length ${line}`);
      if (buffer.length < afterLine + length + 2) return undefined;
      return { reply: buffer.toString("utf8", afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    default: {
      const count = Number(line);
      if (count === -1) return { reply: null, next: afterLine };
      if (!Number.isInteger(count) || count < 0) throw new NotRedisError(`bad array length ${line}`);
      const items: RedisReply[] = [];
      let next = afterLine;
      for (let index = 0; index < count; index++) {
        const item = parseReply(buffer, next);
        if (item === undefined) return undefined;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
  }
}

/**
 * Sends the commands and collects one reply per command. If the server closes the connection
 * before answering them all (as SHUTDOWN does), the replies received so far are returned.
 */
export async function sendRedisCommands(
  endpoint: RedisEndpoint,
  commands: readonly (readonly string[])[],
  timeoutMs: number,
  closeEndsReplies = false,
): Promise<RedisReply[]> {
  const socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs);
  return await exchange(socket, commands, timeoutMs, closeEndsReplies);
}

function exchange(
  socket: net.Socket,
  commands: readonly (readonly string[])[],
  timeoutMs: number,
  closeEndsReplies: boolean,
): Promise<RedisReply[]> {
  return new Promise((resolve, reject) => {
    const replies: RedisReply[] = [];
    let buffer = Buffer.alloc(0);
    const finish = (error?: unknown): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      if (error === undefined) resolve(replies);
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new NotRedisError(`no Redis reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        let parsed = parseReply(buffer, 0);
        while (parsed !== undefined) {
          replies.push(parsed.reply);
          buffer = buffer.subarray(parsed.next);
          if (replies.length === commands.length) return finish();
          parsed = parseReply(buffer, 0);
        }
      } catch (error) {
        finish(error);
      }
    });
    socket.on("close", () => {
      if (buffer.length > 0) finish(new NotRedisError("incomplete reply"));
      else if (replies.length === 0 && !closeEndsReplies) {
        finish(new NotRedisError("connection closed without a reply"));
      } else finish();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A server that shuts down may reset the connection instead of closing it cleanly.
      if (closeEndsReplies && (error.code === "ECONNRESET" || error.code === "EPIPE")) finish();
      else finish(error);
    });
    socket.write(Buffer.concat(commands.map(encodeCommand)));
  });
}

function authCommand(endpoint: RedisEndpoint): string[] | undefined {
  if (endpoint.password === undefined) return undefined;
  return endpoint.username === undefined
    ? ["AUTH", endpoint.password]
    : ["AUTH", endpoint.username, endpoint.password];
}

/** One PING (after AUTH when the URL has a password), classified. Never throws. */
export async function probeRedis(endpoint: RedisEndpoint, timeoutMs: number): Promise<ProbeResult> {
  const auth = authCommand(endpoint);
  const commands = auth === undefined ? [["PING"]] : [auth, ["PING"]];
  let replies: RedisReply[];
  try {
    replies = await sendRedisCommands(endpoint, commands, timeoutMs);
  } catch (error) {
    if (isNothingListeningError(error)) return { listener: "none", detail: describeError(error) };
    return { listener: "foreign", detail: `not a Redis server (${describeError(error)})` };
  }
  for (const reply of replies) {
    // Like ioredis: a password in the URL for a server without one is a warning, not a failure.
    if (reply instanceof RedisReplyError && reply.message.includes("without any password configured"))
      continue;
    if (reply instanceof RedisReplyError) {
      if (reply.message.startsWith("LOADING")) return { listener: "starting", detail: reply.message };
      return { listener: "rejected", detail: reply.message };
    }
  }
  const pong = replies[replies.length - 1];
  if (replies.length === commands.length && pong === "PONG") return { listener: "ready", detail: "PONG" };
  return { listener: "foreign", detail: `unexpected reply to PING: ${JSON.stringify(pong)}` };
}

/**
 * Asks the server to shut down (SHUTDOWN without NOSAVE: a private Redis keeps its AOF and
 * snapshot). Resolves once the request is sent and the server closed the connection or refused.
 */
export async function shutdownRedis(endpoint: RedisEndpoint, timeoutMs: number): Promise<void> {
  const auth = authCommand(endpoint);
  const commands = auth === undefined ? [["SHUTDOWN"]] : [auth, ["SHUTDOWN"]];
  const replies = await sendRedisCommands(endpoint, commands, timeoutMs, true);
  const refusal = replies.find((reply) => reply instanceof RedisReplyError);
  if (refusal instanceof RedisReplyError) throw new Error(`Redis refused SHUTDOWN: ${refusal.message}`);
}
