import type { ApiKeyRole } from "@vpa/db";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type ZodType, z } from "zod";
import { ApiProblem } from "./api-problem.ts";
import type { AuthenticatedKey } from "./authenticate-request.ts";

/** What a handler gets: the parsed (typed) input and the key that asked. */
export interface RouteInput<Query, Params, Body> {
  readonly query: Query;
  readonly params: Params;
  readonly body: Body;
  readonly key: AuthenticatedKey;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteResponse {
  readonly description: string;
  /** The JSON body; absent for HTML and empty answers. */
  readonly schema?: ZodType;
  /** Default `application/json`. */
  readonly contentType?: string;
}

/**
 * One endpoint: its path (OpenAPI style, `/signals/{id}`), the least role that may call it, and
 * zod schemas of its input and answers. The same schemas validate each request and make the
 * OpenAPI document, so the two cannot drift.
 */
export interface ApiRoute<
  Query extends ZodType = ZodType,
  Params extends ZodType = ZodType,
  Body extends ZodType = ZodType,
> {
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: string;
  readonly role: ApiKeyRole;
  readonly summary: string;
  readonly tag: string;
  readonly query?: Query;
  readonly params?: Params;
  readonly body?: Body;
  /** The body as documented, when it is validated in two steps (the handler checks a part itself). */
  readonly documentBody?: ZodType;
  /** Request headers the route reads, documented (e.g. Idempotency-Key). */
  readonly headers?: readonly { name: string; description: string }[];
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /**
   * Answers may be reused for this long (ResponseCache): only for reads whose answer is the same
   * for every key and moves only when a scan or an import stores something.
   */
  readonly cacheMs?: number;
  handler(input: RouteInput<z.output<Query>, z.output<Params>, z.output<Body>>): Promise<unknown>;
}

/** Keeps the generic types of a route literal (the handler sees its parsed input). */
export function defineRoute<Q extends ZodType, P extends ZodType, B extends ZodType>(
  route: ApiRoute<Q, P, B>,
): ApiRoute {
  return route as unknown as ApiRoute;
}

/** Each issue as `path: message`, the field first, as the CLI's config errors read. */
export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
}

/** Parses one part of a request, or throws a 400 problem naming every bad field. */
export function parseInput<T extends ZodType>(
  schema: T | undefined,
  value: unknown,
  part: string,
): z.output<T> {
  if (schema === undefined) return undefined as z.output<T>;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new ApiProblem("VALIDATION_FAILED", `the ${part} does not match the schema`, {
      errors: issuesOf(parsed.error).map((issue) => `${part}.${issue}`),
    });
  }
  return parsed.data;
}

/** Query schemas: a strict object of optional strings coerced to their types; unknown names are refused. */
export const querySchema = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);
