import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool } from "@vpa/dev-services";
import { freePort } from "./free-port.ts";
import { TEST_SERVER_URL } from "./test-servers.ts";

/**
 * A real PgBouncer of a test's own (Debian's `pgbouncer`) in front of the test PostgreSQL, in
 * transaction pooling mode, on a free port. PgBouncer refuses to run as root, so as root it runs
 * as the `postgres` OS user. `urlFor(database)` is the DATABASE_URL through it; `stop()` ends it
 * and deletes its directory.
 *
 * `ignore_startup_parameters`: node-postgres sends `statement_timeout` and
 * `idle_in_transaction_session_timeout` in the startup packet (packages/db/src/create-database.ts),
 * which PgBouncer refuses unless told to ignore them (it cannot keep a session setting on a
 * server connection it shares). Behind PgBouncer set them on the role or database instead
 * (docs/deploy.md).
 */
export interface TestPgBouncer {
  readonly port: number;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export async function startPgBouncer(options: { poolSize?: number } = {}): Promise<TestPgBouncer> {
  const server = new URL(TEST_SERVER_URL);
  const user = decodeURIComponent(server.username) || "postgres";
  const port = await freePort();
  const directory = await mkdtemp(join(tmpdir(), "vpa-pgbouncer-"));
  await chmod(directory, 0o777);
  const config = join(directory, "pgbouncer.ini");
  await writeFile(join(directory, "users.txt"), `"${user}" ""\n`);
  await writeFile(
    config,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      `unix_socket_dir = ${directory}`,
      "auth_type = trust",
      `auth_file = ${join(directory, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${options.poolSize ?? 8}`,
      "max_client_conn = 500",
      "ignore_startup_parameters = statement_timeout,idle_in_transaction_session_timeout",
      `logfile = ${join(directory, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  for (const file of ["pgbouncer.ini", "users.txt"]) await chmod(join(directory, file), 0o644);
  const binary = await findTool("pgbouncer");
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    asRoot ? "runuser" : binary,
    asRoot ? ["-u", "postgres", "--", binary, config] : [config],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (listening) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`pgbouncer did not start on ${port}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    urlFor: (database) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    stop,
  };
}
