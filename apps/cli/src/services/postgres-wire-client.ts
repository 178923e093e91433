import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { PostgresEndpoint } from "./service-url.ts";
import { connectTcp } from "./tcp-connect.ts";

/**
 * Just enough of the PostgreSQL frontend/backend protocol (v3) to probe a server, check a database
 * and create one: startup with trust, cleartext, md5 or SCRAM-SHA-256 authentication, optional TLS,
 * and simple queries returning text. Written here because the services manager must run before
 * anything else is set up and only needs these few steps, each under a deadline.
 */

/** An error the server reported, with its SQLSTATE `code` (e.g. 3D000: database does not exist). */
export class PostgresServerError extends Error {
  readonly code: string;
  readonly severity: string;
  override name = "PostgresServerError";

  constructor(fields: Map<string, string>) {
    super(fields.get("M") ?? "unknown server error");
    this.code = fields.get("C") ?? "XX000";
    this.severity = fields.get("S") ?? "ERROR";
  }
}

/** The peer does not speak the PostgreSQL protocol (or stopped answering mid-way). */
export class NotPostgresError extends Error {
  override name = "NotPostgresError";
}

export interface PostgresQueryResult {
  /** The command tag, e.g. "SELECT 1" or "CREATE DATABASE". */
  command: string;
  /** Each row's columns as text, `null` for SQL NULL. */
  rows: (string | null)[][];
}

export interface PostgresSession {
  query(sql: string): Promise<PostgresQueryResult>;
  close(): void;
}

interface BackendMessage {
  type: string;
  body: Buffer;
}

/** Larger than any message this client expects; a peer announcing more is not PostgreSQL. */
const maxMessageBytes = 16 * 1024 * 1024;

class MessageReader {
  #buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #failure: Error | undefined;
  readonly #socket: net.Socket;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on("error", (error) => this.#fail(error));
    socket.on("close", () => this.#fail(new NotPostgresError("connection closed by the server")));
    socket.resume();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  #take(): BackendMessage | undefined {
    if (this.#buffer.length < 5) return undefined;
    const length = this.#buffer.readInt32BE(1);
    if (length < 4 || length > maxMessageBytes) {
      throw new NotPostgresError(`implausible message length ${length}`);
    }
    if (this.#buffer.length < 1 + length) return undefined;
    const message = {
      type: String.fromCharCode(this.#buffer[0] ?? 0),
      body: this.#buffer.subarray(5, 1 + length),
    };
    this.#buffer = this.#buffer.subarray(1 + length);
    return message;
  }

  async next(timeoutMs: number): Promise<BackendMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.#take();
      if (message !== undefined) return message;
      if (this.#failure !== undefined) throw this.#failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new NotPostgresError(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  detach(): void {
    this.#socket.removeAllListeners("data");
  }
}

function frame(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(type === "" ? 4 : 5);
  if (type !== "") header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, type === "" ? 0 : 1);
  return Buffer.concat([header, body]);
}

function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, "utf8");
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function parseErrorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const key = String.fromCharCode(body[offset] ?? 0);
    const end = body.indexOf(0, offset + 1);
    if (end === -1) break;
    fields.set(key, body.toString("utf8", offset + 1, end));
    offset = end + 1;
  }
  return fields;
}

async function readSingleByte(socket: net.Socket, timeoutMs: number): Promise<string> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new NotPostgresError(`no reply within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      if (chunk.length > 1) socket.unshift(chunk.subarray(1));
      done(undefined, String.fromCharCode(chunk[0] ?? 0));
    };
    const onClose = (): void => done(new NotPostgresError("connection closed by the server"));
    const done = (error: Error | undefined, value?: string): void => {
      clearTimeout(timer);
      socket.pause();
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("error", done);
      if (error !== undefined) reject(error);
      else resolve(value ?? "");
    };
    socket.on("data", onData);
    socket.once("close", onClose);
    socket.once("error", done);
    socket.resume();
  });
}

async function negotiateTls(
  socket: net.Socket,
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<net.Socket> {
  socket.write(Buffer.concat([int32(8), int32(80877103)]));
  const answer = await readSingleByte(socket, timeoutMs);
  if (answer === "N") {
    if (endpoint.sslMode === "prefer") return socket;
    throw new NotPostgresError("the server does not accept SSL but the URL requires it (sslmode)");
  }
  if (answer !== "S")
    throw new NotPostgresError(`unexpected answer to SSLRequest: ${JSON.stringify(answer)}`);
  const secure = tls.connect({
    socket,
    servername: net.isIP(endpoint.host) === 0 ? endpoint.host : undefined,
    rejectUnauthorized: endpoint.sslMode === "verify-full",
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new NotPostgresError("TLS handshake timed out")), timeoutMs);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      resolve();
    });
    secure.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return secure;
}

/** SCRAM-SHA-256 (RFC 5802/7677) without channel binding, as PostgreSQL implements it. */
async function authenticateScram(
  reader: MessageReader,
  socket: net.Socket,
  password: string,
  timeoutMs: number,
): Promise<void> {
  const clientNonce = randomBytes(18).toString("base64");
  const clientFirstBare = `n=*,r=${clientNonce}`;
  const clientFirst = Buffer.from(`n,,${clientFirstBare}`);
  socket.write(frame("p", cString("SCRAM-SHA-256"), int32(clientFirst.length), clientFirst));

  const serverFirstMessage = await reader.next(timeoutMs);
  if (serverFirstMessage.type === "E")
    throw new PostgresServerError(parseErrorFields(serverFirstMessage.body));
  if (serverFirstMessage.type !== "R" || serverFirstMessage.body.readInt32BE(0) !== 11) {
    throw new NotPostgresError("unexpected SCRAM server-first message");
  }
  const serverFirst = serverFirstMessage.body.toString("utf8", 4);
  const attributes = new Map(serverFirst.split(",").map((part) => [part[0], part.slice(2)] as const));
  const nonce = attributes.get("r") ?? "";
  const salt = Buffer.from(attributes.get("s") ?? "", "base64");
  const iterations = Number(attributes.get("i"));
  if (
    !nonce.startsWith(clientNonce) ||
    salt.length === 0 ||
    !Number.isInteger(iterations) ||
    iterations < 1
  ) {
    throw new NotPostgresError("invalid SCRAM server-first message");
  }

  const saltedPassword = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const clientFinalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
  const clientSignature = createHmac("sha256", storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
  socket.write(frame("p", Buffer.from(`${clientFinalWithoutProof},p=${proof.toString("base64")}`)));

  const serverFinalMessage = await reader.next(timeoutMs);
  if (serverFinalMessage.type === "E")
    throw new PostgresServerError(parseErrorFields(serverFinalMessage.body));
  if (serverFinalMessage.type !== "R" || serverFinalMessage.body.readInt32BE(0) !== 12) {
    throw new NotPostgresError("unexpected SCRAM server-final message");
  }
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  const expected = createHmac("sha256", serverKey).update(authMessage).digest();
  const received = Buffer.from(serverFinalMessage.body.toString("utf8", 4).replace(/^v=/, ""), "base64");
  // The server proves it knows the password too; a mismatch means we are not talking to it.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw new NotPostgresError("the server's SCRAM signature does not match");
  }
}

function requirePassword(endpoint: PostgresEndpoint): string {
  if (endpoint.password === undefined) {
    const fields = new Map([
      ["C", "28P01"],
      ["M", `the server asks a password for user "${endpoint.user}" but DATABASE_URL has none`],
    ]);
    throw new PostgresServerError(fields);
  }
  return endpoint.password;
}

async function authenticate(
  reader: MessageReader,
  socket: net.Socket,
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<void> {
  for (;;) {
    const message = await reader.next(timeoutMs);
    switch (message.type) {
      case "R": {
        const kind = message.body.readInt32BE(0);
        if (kind === 0) continue;
        if (kind === 3) {
          socket.write(frame("p", cString(requirePassword(endpoint))));
        } else if (kind === 5) {
          const inner = createHash("md5")
            .update(requirePassword(endpoint) + endpoint.user)
            .digest("hex");
          const outer = createHash("md5").update(inner).update(message.body.subarray(4, 8)).digest("hex");
          socket.write(frame("p", cString(`md5${outer}`)));
        } else if (kind === 10) {
          const mechanisms = message.body.toString("utf8", 4).split("\0");
          if (!mechanisms.includes("SCRAM-SHA-256")) {
            throw new NotPostgresError(`no supported SASL mechanism in ${mechanisms.join(", ")}`);
          }
          await authenticateScram(reader, socket, requirePassword(endpoint), timeoutMs);
        } else {
          throw new NotPostgresError(`unsupported authentication method ${kind}`);
        }
        break;
      }
      case "E":
        throw new PostgresServerError(parseErrorFields(message.body));
      case "S":
      case "K":
      case "N":
      case "v":
        break;
      case "Z":
        return;
      default:
        throw new NotPostgresError(`unexpected message ${JSON.stringify(message.type)} during startup`);
    }
  }
}

/**
 * Connects and authenticates, or throws: network errors as they come from `net` (ECONNREFUSED...),
 * `PostgresServerError` for the server's refusals, `NotPostgresError` when the peer is something else.
 */
export async function connectPostgres(
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<PostgresSession> {
  let socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs);
  try {
    if (endpoint.sslMode !== "disable") socket = await negotiateTls(socket, endpoint, timeoutMs);
    const reader = new MessageReader(socket);
    const parameters = [
      "user",
      endpoint.user,
      "database",
      endpoint.database,
      "application_name",
      "vpa-services",
    ];
    socket.write(frame("", int32(196608), ...parameters.map(cString), Buffer.from([0])));
    await authenticate(reader, socket, endpoint, timeoutMs);
    return createSession(reader, socket);
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Queries may take longer than a connect (CREATE DATABASE copies a template). */
const queryTimeoutMs = 30_000;

function createSession(reader: MessageReader, socket: net.Socket): PostgresSession {
  return {
    async query(sql: string): Promise<PostgresQueryResult> {
      socket.write(frame("Q", cString(sql)));
      const result: PostgresQueryResult = { command: "", rows: [] };
      let failure: PostgresServerError | undefined;
      for (;;) {
        const message = await reader.next(queryTimeoutMs);
        if (message.type === "D") {
          const row: (string | null)[] = [];
          let offset = 2;
          for (let column = message.body.readInt16BE(0); column > 0; column--) {
            const length = message.body.readInt32BE(offset);
            offset += 4;
            row.push(length === -1 ? null : message.body.toString("utf8", offset, offset + length));
            offset += Math.max(length, 0);
          }
          result.rows.push(row);
        } else if (message.type === "C") {
          result.command = message.body.toString("utf8", 0, message.body.length - 1);
        } else if (message.type === "E") {
          failure = new PostgresServerError(parseErrorFields(message.body));
        } else if (message.type === "Z") {
          if (failure !== undefined) throw failure;
          return result;
        }
      }
    },
    close(): void {
      reader.detach();
      socket.on("error", () => {});
      socket.end(frame("X"));
    },
  };
}

/** A string literal for simple queries (standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
