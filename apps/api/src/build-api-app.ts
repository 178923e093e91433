import { randomUUID } from "node:crypto";
import cors from "@fastify/cors";
import { type ApiKeyRole, pingDatabase } from "@vpa/db";
import { pingRedis } from "@vpa/runtime";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { type ApiContext, readDatabaseOf } from "./api-context.ts";
import { ApiProblem, problemBody } from "./api-problem.ts";
import { roleAllows } from "./api-roles.ts";
import { type ApiRoute, parseInput } from "./api-route.ts";
import { type AuthenticatedKey, createKeyAuthenticator } from "./authenticate-request.ts";
import { registerDashboard } from "./dashboard/register-dashboard.ts";
import { renderApiDocsHtml } from "./docs/render-api-docs-html.ts";
import { buildOpenApiDocument } from "./openapi-document.ts";
import { ResponseCache } from "./response-cache.ts";
import { adminRoutes } from "./routes/admin-routes.ts";
import { backtestRoutes } from "./routes/backtest-routes.ts";
import { portfolioRoutes } from "./routes/portfolio-routes.ts";
import { signalRoutes } from "./routes/signal-routes.ts";
import { subscriptionRoutes } from "./routes/subscription-routes.ts";
import { symbolRoutes } from "./routes/symbol-routes.ts";

export const API_PREFIX = "/api/v1";
export const API_VERSION = "1.0.0";

declare module "fastify" {
  interface FastifyRequest {
    apiKey: AuthenticatedKey | null;
  }
  interface FastifyContextConfig {
    /** The least role that may call the route; absent: public (docs, health, dashboard shells). */
    role?: ApiKeyRole;
  }
}

/** Security headers of every answer (what @fastify/helmet would set, the few that apply to an API). */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  // The dashboard: scripts only from this origin, never inline. Inline styles are allowed for the
  // backtest report, which the dashboard shows from a blob: URL that inherits this policy.
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Failed authentications a client address may make a minute before it is answered 429: enough for
 * a person mistyping a key, far too few to try keys (which 256 random bits make hopeless anyway).
 * Behind a proxy every client shares the proxy's address unless fastify's trustProxy is set; a
 * valid key is never held back by it (only failures are counted and refused).
 */
const FAILED_AUTHENTICATIONS_PER_MINUTE = 30;

/** The problem an error amounts to: fastify's own (body, content type) by their codes, the rest a 500. */
function problemOf(error: FastifyError | Error): ApiProblem {
  if (error instanceof ApiProblem) return error;
  const code = (error as FastifyError).code;
  const status = (error as FastifyError).statusCode;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE" || status === 413) return new ApiProblem("BODY_TOO_LARGE");
  if (code === "FST_ERR_MAX_PARAM_LENGTH") return new ApiProblem("URI_TOO_LONG");
  if (code === "FST_ERR_BAD_URL") return new ApiProblem("BAD_REQUEST", "the path is not a valid URL");
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || status === 415)
    return new ApiProblem("UNSUPPORTED_MEDIA_TYPE");
  if (code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return new ApiProblem("MALFORMED_JSON", "the JSON body is empty");
  if (
    code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
    error instanceof SyntaxError ||
    (status === 400 && code?.startsWith("FST_ERR_CTP"))
  )
    return new ApiProblem("MALFORMED_JSON");
  if (status === 400) return new ApiProblem("BAD_REQUEST", "the request could not be read");
  return new ApiProblem("INTERNAL", "the server failed to answer; the request id identifies it in the logs", {
    cause: error,
  });
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ApiProblem): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type("application/problem+json")
    .send(problemBody(problem, request.url, request.id));
}

/**
 * The API, its docs, the dashboard and /health, /ready, /metrics on one fastify instance (not
 * listening: `startApiServer` listens; tests call `inject`).
 */
export async function buildApiApp(
  context: ApiContext,
  options: {
    /** How long read answers are reused (ResponseCache); 0 turns the cache off. Default 1,000 ms. */
    readonly responseCacheMs?: number;
  } = {},
): Promise<FastifyInstance> {
  const logger = context.logger.child({ module: "api" });
  // The pino child's own generics are wider than fastify's base logger type; the instance is the same.
  const app = Fastify({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook (with route, status, time and key).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    bodyLimit: context.settings.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    // What the router refuses before any hook runs (a path segment over maxParamLength, a bad
    // percent-encoding): a problem like every other error, with the headers the hooks would set.
    frameworkErrors: (error, request, reply) => {
      reply.headers(SECURITY_HEADERS).header("x-request-id", request.id);
      return sendProblem(request, reply, problemOf(error));
    },
  }) as unknown as FastifyInstance;
  app.decorateRequest("apiKey", null);
  // JSON only: a text/plain body is a 415, not a string handed to a handler.
  app.removeContentTypeParser("text/plain");

  await app.register(cors, {
    origin: context.settings.corsOrigins.length === 0 ? false : [...context.settings.corsOrigins],
    methods: ["GET", "POST", "DELETE"],
    allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
    exposedHeaders: [
      "X-Request-Id",
      "Retry-After",
      "Location",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
    ],
    maxAge: 600,
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.headers(SECURITY_HEADERS).header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const seconds = reply.elapsedTime / 1000;
    context.metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.apiKey === null ? {} : { apiKeyId: request.apiKey.id }),
      },
      "request",
    );
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOf(error);
    if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new ApiProblem("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`),
    ),
  );

  const authenticator = createKeyAuthenticator({
    // The primary: a key works the moment `vpa apikey create` prints it, and a revoked key is
    // refused within 5 s (its cache), which a lagging replica could not promise.
    db: context.db,
    onTouchError: (err) => logger.warn({ err }, "could not record an API key's last use"),
  });

  /** A 401 also books a failure of the client's address; past the allowance it becomes a 429. */
  async function refuseAuthentication(request: FastifyRequest, problem: ApiProblem): Promise<never> {
    let decision: Awaited<ReturnType<typeof context.rateLimiter.takeFailure>>;
    try {
      decision = await context.rateLimiter.takeFailure(request.ip, FAILED_AUTHENTICATIONS_PER_MINUTE);
    } catch {
      throw problem; // Redis away: the 401 still stands.
    }
    if (decision.allowed) throw problem;
    throw new ApiProblem("RATE_LIMITED", "too many failed authentications from this address", {
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    });
  }

  /** Key, then its rate limit, then its role: a refused role still costs the key a request. */
  async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let key: AuthenticatedKey;
    try {
      key = await authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) return refuseAuthentication(request, error);
      throw error;
    }
    request.apiKey = key;
    let decision: Awaited<ReturnType<typeof context.rateLimiter.take>>;
    try {
      decision = await context.rateLimiter.take(key.id);
    } catch (error) {
      throw new ApiProblem("SERVICE_UNAVAILABLE", "the rate limiter's Redis is not answering", {
        headers: { "retry-after": "5" },
        cause: error,
      });
    }
    reply.headers({
      "ratelimit-limit": String(decision.limit),
      "ratelimit-remaining": String(decision.remaining),
      "ratelimit-reset": String(decision.resetSeconds),
      "ratelimit-policy": `${decision.limit};w=60`,
    });
    if (!decision.allowed) {
      throw new ApiProblem("RATE_LIMITED", `at most ${decision.limit} requests a minute per key`, {
        headers: { "retry-after": String(decision.retryAfterSeconds) },
      });
    }
    const needed = request.routeOptions.config.role;
    if (needed !== undefined && !roleAllows(key.role, needed)) {
      throw new ApiProblem("FORBIDDEN", `this needs a ${needed} key; this key is a ${key.role}`);
    }
  }

  const responseCacheMs = options.responseCacheMs ?? 1_000;
  const responseCache = new ResponseCache({ ttlMs: responseCacheMs });
  const routes: ApiRoute[] = [
    ...signalRoutes(context),
    ...symbolRoutes(context),
    ...subscriptionRoutes(context),
    ...backtestRoutes(context),
    ...portfolioRoutes(context),
    ...adminRoutes(context),
  ];
  for (const route of routes) {
    app.route({
      method: route.method,
      url: `${API_PREFIX}${route.path.replace(/\{(\w+)\}/g, ":$1")}`,
      config: { role: route.role },
      onRequest: guard,
      handler: async (request, reply) => {
        const run = () =>
          route.handler({
            query: parseInput(route.query, request.query, "query"),
            params: parseInput(route.params, request.params, "path"),
            body: route.body === undefined ? undefined : parseInput(route.body, request.body, "body"),
            key: request.apiKey as AuthenticatedKey,
            request,
            reply,
          });
        if (route.cacheMs !== undefined && responseCacheMs > 0) {
          // Errors are not cached: a failed load rejects every caller that shared it, and the next asks again.
          const answer = await responseCache.get(request.url, async () => {
            const result = await run();
            return {
              body: typeof result === "string" ? result : JSON.stringify(result),
              contentType: String(reply.getHeader("content-type") ?? "application/json; charset=utf-8"),
            };
          });
          return reply.type(answer.contentType).header("cache-control", "no-store").send(answer.body);
        }
        const result = await run();
        if (reply.statusCode === 204) return reply.send();
        if (typeof result !== "string") reply.header("cache-control", "no-store");
        return result;
      },
    });
  }

  const openApi = buildOpenApiDocument(routes, API_VERSION);
  const openApiJson = JSON.stringify(openApi);
  const docsHtml = renderApiDocsHtml(openApi);
  app.get(`${API_PREFIX}/openapi.json`, async (_request, reply) =>
    reply.type("application/json").send(openApiJson),
  );
  app.get(`${API_PREFIX}/docs`, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(docsHtml),
  );

  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    const checks = await Promise.all(
      [
        ["redis", () => pingRedis(context.connection.redisUrl)],
        ["postgres", () => pingDatabase(context.db)],
        // The read replica too, when there is one: the GET routes need it.
        ...(context.readDb === undefined || context.readDb === context.db
          ? []
          : [["postgres-read", () => pingDatabase(readDatabaseOf(context))] as const]),
      ].map(async ([name, check]) => {
        try {
          await (check as () => Promise<void>)();
          return [name as string, "ok"] as const;
        } catch (error) {
          return [name as string, (error as Error).message] as const;
        }
      }),
    );
    const ready = checks.every(([, state]) => state === "ok");
    reply.code(ready ? 200 : 503).header("cache-control", "no-store");
    return { status: ready ? "ready" : "not ready", checks: Object.fromEntries(checks) };
  });
  app.get("/metrics", async (_request, reply) => {
    reply.type(context.metrics.registry.contentType).header("cache-control", "no-store");
    return context.metrics.registry.metrics();
  });

  registerDashboard(app);
  return app;
}
