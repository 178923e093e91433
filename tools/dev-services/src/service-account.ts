import { readFile } from "node:fs/promises";
import { findExecutable } from "./find-binaries.ts";
import { describeCommandFailure, runCommand } from "./run-command.ts";
import { ServicesError } from "./services-error.ts";

/** The unprivileged OS user a private PostgreSQL runs as when vpa itself runs as root. */
export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Looks a user up through NSS (getent), falling back to /etc/passwd. */
export async function findAccount(name: string): Promise<ServiceAccount | undefined> {
  let line: string | undefined;
  const getent = await findExecutable("getent");
  if (getent !== undefined) {
    const result = await runCommand(getent, ["passwd", name], { timeoutMs: 5_000 });
    line = result.exitCode === 0 ? result.output.trim().split("\n")[0] : undefined;
  } else {
    const passwd = await readFile("/etc/passwd", "utf8").catch(() => "");
    line = passwd.split("\n").find((entry) => entry.startsWith(`${name}:`));
  }
  const fields = line?.split(":");
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (fields === undefined || fields[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid))
    return undefined;
  return { name, uid, gid };
}

/**
 * PostgreSQL refuses to run as root. As root: the `postgres` user if the machine has one (made by
 * the distribution's package), else a system user `vpa`, created once. Not root: `undefined`, run
 * as ourselves.
 */
export async function resolvePostgresAccount(
  log: (line: string) => void,
): Promise<ServiceAccount | undefined> {
  if (!isRoot()) return undefined;
  const existing = (await findAccount("postgres")) ?? (await findAccount("vpa"));
  if (existing !== undefined) return existing;
  const useradd = await findExecutable("useradd");
  if (useradd === undefined) {
    throw new ServicesError(
      "SERVICES_PERMISSION_DENIED",
      "postgres: PostgreSQL cannot run as root and this machine has neither a `postgres` user nor useradd to create one. Create an unprivileged user named `vpa` and retry.",
    );
  }
  const result = await runCommand(
    useradd,
    [
      "--system",
      "--user-group",
      "--no-create-home",
      "--home-dir",
      "/nonexistent",
      "--shell",
      "/usr/sbin/nologin",
      "vpa",
    ],
    { timeoutMs: 15_000 },
  );
  const created = await findAccount("vpa");
  if (created === undefined) {
    throw new ServicesError(
      "SERVICES_PERMISSION_DENIED",
      `postgres: could not create the system user vpa to run PostgreSQL: ${describeCommandFailure("useradd", result)}`,
    );
  }
  log("postgres: created system user vpa to run PostgreSQL (it refuses to run as root)");
  return created;
}
