import { classifyServiceError } from "./classify-service-error.ts";
import { createRedisClient, type RedisTarget } from "./redis-client.ts";
import { ServiceUnavailableError } from "./service-unavailable-error.ts";

/**
 * One PING with a short time-out and no retries: for /ready, the test suite's set-up and
 * `vpa services` (@vpa/dev-services, which classifies what `onError` reports). `timeoutMs` bounds
 * the TCP connect and then the PING's reply, so a port held by a program that never answers fails
 * in time too.
 */
export async function pingRedis(
  target: string | RedisTarget,
  timeoutMs = 2_000,
  onError: (error: Error) => void = () => {},
): Promise<void> {
  // A target with cluster nodes pings the cluster, which must have found its slots to connect.
  const client = createRedisClient(typeof target === "string" ? { redisUrl: target } : target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // The PING is the check: ioredis's own ready check (INFO) would wait out a loading server and
    // hang on a port whose program never answers, where the PING fails (LOADING) or times out.
    enableReadyCheck: false,
    commandTimeout: timeoutMs,
    // ioredis waits this long for a closed socket to say so, keeping the process alive meanwhile.
    disconnectTimeout: 200,
  });
  client.on("error", onError);
  try {
    await client.connect();
    await client.ping();
  } finally {
    // A connection that failed has ended; disconnecting it again would only start that wait.
    if (client.status !== "end") client.disconnect();
  }
}

/**
 * Resolves when Redis answers a PING within `timeoutMs`; otherwise throws a
 * {@link ServiceUnavailableError} that says why (refused, timed out, NOAUTH/WRONGPASS) and how to fix it.
 */
export async function checkRedis(target: string | RedisTarget, timeoutMs = 3_000): Promise<void> {
  const url = typeof target === "string" ? target : target.redisUrl;
  let lastError: unknown;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceUnavailableError({
            service: "redis",
            failure: "timeout",
            url,
            detail: `no answer within ${timeoutMs / 1000} s`,
            cause: lastError,
          }),
        ),
      timeoutMs + 500,
    );
  });
  try {
    await Promise.race([pingRedis(target, timeoutMs, (error) => (lastError = error)), timeout]);
  } catch (error) {
    throw (
      classifyServiceError(error, { redisUrl: url, databaseUrl: "" }, lastError) ??
      new ServiceUnavailableError({
        service: "redis",
        failure: "unreachable",
        url,
        detail: (error as Error).message,
        cause: error,
      })
    );
  } finally {
    clearTimeout(timer);
  }
}
