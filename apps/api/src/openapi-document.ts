import { type ZodType, z } from "zod";
import { PROBLEM_CODES } from "./api-problem.ts";
import type { ApiRoute } from "./api-route.ts";

/** The problem+json schema every error answer shares. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.enum(Object.keys(PROBLEM_CODES) as [keyof typeof PROBLEM_CODES, ...(keyof typeof PROBLEM_CODES)[]]),
  requestId: z.string(),
  errors: z.array(z.string()).optional(),
});

function jsonSchemaOf(schema: ZodType, io: "input" | "output"): Record<string, unknown> {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12, zod's default target.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parametersOf(schema: ZodType | undefined, where: "query" | "path"): unknown[] {
  if (schema === undefined) return [];
  const json = jsonSchemaOf(schema, "input") as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ERROR_STATUSES = [400, 401, 403, 413, 429, 500] as const;

/**
 * The OpenAPI 3.1 document of the routes, from their zod schemas: what `/api/v1/openapi.json`
 * serves and the docs page renders.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema === undefined && response.contentType === undefined
          ? {}
          : {
              content: {
                [response.contentType ?? "application/json"]:
                  response.schema === undefined ? {} : { schema: jsonSchemaOf(response.schema, "output") },
              },
            }),
      };
    }
    for (const status of ERROR_STATUSES) {
      responses[String(status)] ??= {
        description: "A problem (RFC 9457)",
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    const operation = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By-$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      description: `Role: ${route.role} or above.`,
      security: [{ bearerAuth: [] }],
      parameters: [
        ...parametersOf(route.params, "path"),
        ...parametersOf(route.query, "query"),
        ...(route.headers ?? []).map((header) => ({
          name: header.name,
          in: "header",
          required: false,
          description: header.description,
          schema: { type: "string", maxLength: 200 },
        })),
      ],
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: jsonSchemaOf(route.documentBody ?? route.body, "input") },
              },
            },
          }),
      responses,
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "VPA market scanner API",
      version,
      description:
        "Signals, symbols and bars, subscriptions, backtests, paper portfolios and operations of the VPA scanner. " +
        "Every call takes `Authorization: Bearer <key>` (`vpa apikey create`). Errors are RFC 9457 problem+json with a stable `code`.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      schemas: { Problem: jsonSchemaOf(problemSchema, "output") },
    },
    paths,
  };
}
