import { ApiProblem } from "./api-problem.ts";

/**
 * The `next` cursor of a signal page: the last row's bar time and id, base64url-encoded JSON. Opaque
 * to clients; anything that does not decode to exactly that shape is a 400, never a query.
 */
export function encodeSignalCursor(position: { readonly time: Date; readonly id: number }): string {
  return Buffer.from(JSON.stringify([position.time.toISOString(), position.id])).toString("base64url");
}

export function decodeSignalCursor(cursor: string): { time: Date; id: number } {
  const bad = () => new ApiProblem("BAD_CURSOR", "cursor must be the `next` of a previous page");
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw bad();
  const [time, id] = decoded as [unknown, unknown];
  if (
    typeof time !== "string" ||
    typeof id !== "number" ||
    !Number.isSafeInteger(id) ||
    id < 1 ||
    id > 2_147_483_647
  )
    throw bad();
  const date = new Date(time);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== time) throw bad();
  return { time: date, id };
}
