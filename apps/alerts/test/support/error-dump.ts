import { inspect } from "node:util";

/** The rejection of a send that must fail; throws if it succeeded. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the send to fail");
  return outcome;
}

/** Message, stack, own properties and the whole cause chain, as a log line would show them. */
export function everythingIn(error: Error): string {
  return [
    error.message,
    error.stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ].join("\n");
}
