import { pingRedis } from "@vpa/runtime";
import { Redis } from "ioredis";
import type { ProbeResult } from "./probe-result.ts";
import { type RedisEndpoint, redisUrlFor } from "./service-url.ts";
import { describeError, isNothingListeningError } from "./tcp-connect.ts";

/** ioredis's name for an error reply from the server (`-ERR ...`, `-LOADING ...`, `-WRONGPASS ...`). */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

/**
 * What answered, from the errors a PING met. ioredis rejects the PING with a bare "Connection is
 * closed." and reports the reason through its error events (`reported`): refused, a reply error,
 * bytes that are not RESP, or a PING that timed out on a connected socket.
 */
export function classifyRedisProbe(thrown: unknown, reported: readonly Error[]): ProbeResult {
  const errors = [...reported, thrown];
  const nothing = errors.find(isNothingListeningError);
  if (nothing !== undefined) return { listener: "none", detail: describeError(nothing) };
  const reply = errors.find(isReplyError);
  if (reply !== undefined) {
    // Like ioredis: a password in the URL for a server without one is a warning, not a failure.
    return { listener: reply.message.startsWith("LOADING") ? "starting" : "rejected", detail: reply.message };
  }
  const reason = describeError(reported[0] ?? thrown);
  if (/Command timed out/.test(reason)) {
    return {
      listener: "foreign",
      detail: "not a Redis server (it accepted the connection but did not answer PING)",
    };
  }
  return { listener: "foreign", detail: `not a Redis server (${reason})` };
}

/** One PING through `pingRedis` (@vpa/runtime), after AUTH when the URL has a password. Never throws. */
export async function probeRedis(endpoint: RedisEndpoint, timeoutMs: number): Promise<ProbeResult> {
  const reported: Error[] = [];
  try {
    await pingRedis(redisUrlFor(endpoint), timeoutMs, (error) => reported.push(error));
    return { listener: "ready", detail: "PONG" };
  } catch (error) {
    return classifyRedisProbe(error, reported);
  }
}

/**
 * Asks the server to shut down (SHUTDOWN without NOSAVE: a private Redis keeps its AOF and
 * snapshot). The server closes the connection instead of replying, so a closed connection is
 * success; an error reply (e.g. NOAUTH) is a refusal.
 */
export async function shutdownRedis(endpoint: RedisEndpoint, timeoutMs: number): Promise<void> {
  const reported: Error[] = [];
  const client = new Redis(redisUrlFor(endpoint), {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    retryStrategy: () => null,
    disconnectTimeout: 200,
  });
  client.on("error", (error: Error) => reported.push(error));
  try {
    await client.connect();
    await client.call("SHUTDOWN");
  } catch (error) {
    const refusal = [error, ...reported].find(isReplyError);
    if (refusal !== undefined) {
      throw new Error(`Redis refused SHUTDOWN: ${refusal.message}`, { cause: refusal });
    }
    // Otherwise the server closed the connection as it went down, unless it was never there.
    if (reported.some(isNothingListeningError)) throw error;
  } finally {
    if (client.status !== "end") client.disconnect();
  }
}
