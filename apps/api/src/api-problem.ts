/**
 * An RFC 9457 problem: every error the API answers is one, as `application/problem+json`, with a
 * stable `code` a client may switch on (the title and detail are for people and may change).
 */
export const PROBLEM_CODES = {
  BAD_REQUEST: { status: 400, title: "Bad request" },
  VALIDATION_FAILED: { status: 400, title: "The request does not match the schema" },
  MALFORMED_JSON: { status: 400, title: "The body is not valid JSON" },
  BAD_CURSOR: { status: 400, title: "The cursor is not one this API gave" },
  UNAUTHENTICATED: { status: 401, title: "An API key is required" },
  KEY_INVALID: { status: 401, title: "The API key is not valid" },
  KEY_REVOKED: { status: 401, title: "The API key was revoked" },
  FORBIDDEN: { status: 403, title: "The API key's role does not allow this" },
  NOT_FOUND: { status: 404, title: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  CONFLICT: { status: 409, title: "Conflict" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "The Idempotency-Key was used with another request" },
  BODY_TOO_LARGE: { status: 413, title: "The body is too large" },
  URI_TOO_LONG: { status: 414, title: "A path segment is too long" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Send application/json" },
  RATE_LIMITED: { status: 429, title: "Too many requests for this API key" },
  SERVICE_UNAVAILABLE: { status: 503, title: "A service the API needs is not answering" },
  INTERNAL: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Thrown by a handler or hook; the error handler answers it as problem+json. */
export class ApiProblem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  /** Field-level problems (validation), each `path: message`. */
  readonly errors: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    code: ProblemCode,
    detail?: string,
    options: { errors?: readonly string[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? PROBLEM_CODES[code].title, { cause: options.cause });
    this.name = "ApiProblem";
    this.code = code;
    this.status = PROBLEM_CODES[code].status;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: ProblemCode;
  readonly requestId: string;
  readonly errors?: readonly string[];
}

/** The problem+json body of a problem, for the request at `instance`. */
export function problemBody(problem: ApiProblem, instance: string, requestId: string): ProblemBody {
  return {
    type: `urn:vpa:problem:${problem.code.toLowerCase().replaceAll("_", "-")}`,
    title: PROBLEM_CODES[problem.code].title,
    status: problem.status,
    detail: problem.message,
    // The path only: a query string may hold what the client would not want echoed into logs.
    instance: instance.split("?")[0] ?? instance,
    code: problem.code,
    requestId,
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
}
